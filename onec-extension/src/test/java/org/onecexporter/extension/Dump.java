package org.onecexporter.extension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  /** Property names per element kind as Designer writes them in format 2.17, from real public dumps. */
  static final Path REFERENCE = Path.of("metadata/extension-dump-2.17.json");
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

  /** The property names, in file order, of an element's {@code <Properties>}. */
  static List<String> propertyNames(Element element) {
    List<String> names = new ArrayList<>();
    Element props = child(element, "Properties");
    if (props != null) {
      for (Element p : children(props)) {
        names.add(p.getLocalName());
      }
    }
    return names;
  }

  /**
   * Every element of a metadata object file that has {@code <Properties>}, keyed by its kind as the reference list
   * names it: the object's kind ("InformationRegister", "Catalog(adopted)" for an adopted object) and, for the elements
   * under {@code <ChildObjects>}, the path of kinds ("InformationRegister/Dimension",
   * "HTTPService/URLTemplate/Method"). The value is the element's name prefixed by the kind path, for messages.
   */
  static List<Map.Entry<String, Element>> elementsByKind(Element object) {
    List<Map.Entry<String, Element>> out = new ArrayList<>();
    String kind = object.getLocalName();
    Element props = child(object, "Properties");
    // An extension's Configuration is always "Adopted"; its list is the same kind as any configuration's.
    if (props != null && !"Configuration".equals(kind) && "Adopted".equals(text(props, "ObjectBelonging"))) {
      kind += "(adopted)";
    }
    collect(object, kind, out);
    return out;
  }

  private static void collect(Element element, String kind, List<Map.Entry<String, Element>> out) {
    if (child(element, "Properties") != null) {
      out.add(Map.entry(kind, element));
    }
    Element childObjects = child(element, "ChildObjects");
    if (childObjects != null) {
      for (Element c : children(childObjects)) {
        if (child(c, "Properties") != null) {
          collect(c, kind.replace("(adopted)", "") + "/" + c.getLocalName(), out);
        }
      }
    }
  }

  /** The reference lists: element kind → property names in order. */
  static Map<String, List<String>> reference() throws IOException {
    JsonNode kinds = new ObjectMapper().readTree(REFERENCE.toFile()).path("kinds");
    Map<String, List<String>> out = new LinkedHashMap<>();
    kinds.fields().forEachRemaining(e -> {
      List<String> names = new ArrayList<>();
      e.getValue().path("properties").forEach(n -> names.add(n.asText()));
      out.put(e.getKey(), names);
    });
    return out;
  }

  static String referenceFormat() throws IOException {
    return new ObjectMapper().readTree(REFERENCE.toFile()).path("format").asText();
  }
}
