package org.onecexporter.extension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The extension's XML dump (onec-extension/dump) as the tests read it. */
final class Dump {
  static final Path ROOT = Path.of("dump");
  static final Path CONTRACT = Path.of("contract");
  static final String MD = "http://v8.1c.ru/8.3/MDClasses";
  static final Path COMMON_MODULE = ROOT.resolve("CommonModules/Магазин_СчетаНаОплату/Ext/Module.bsl");

  private Dump() {}

  static List<Path> files(String suffix) throws IOException {
    try (Stream<Path> walk = Files.walk(ROOT)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  static Document parse(Path file) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(file.toFile());
  }

  static String read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** The first direct child element with this local name, or null. */
  static Element child(Element parent, String localName) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && localName.equals(e.getLocalName())) {
        return e;
      }
    }
    return null;
  }

  static List<Element> children(Element parent) {
    List<Element> out = new java.util.ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        out.add(e);
      }
    }
    return out;
  }

  static String text(Element parent, String localName) {
    Element e = child(parent, localName);
    return e == null ? null : e.getTextContent().trim();
  }

  /** The single metadata object element inside a MetaDataObject file (Catalog, Role, HTTPService, ...). */
  static Element object(Document document) {
    List<Element> inner = children(document.getDocumentElement());
    if (inner.size() != 1) {
      throw new IllegalStateException("a MetaDataObject holds exactly one object, found " + inner.size());
    }
    return inner.get(0);
  }
}
