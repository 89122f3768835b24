package org.onecexporter.domain;

import java.math.BigDecimal;

/** One line of an order; lines are sent in {@code lineNo} order. */
public record OrderItem(int lineNo, String articul, String name, BigDecimal quantity, BigDecimal price) {}
