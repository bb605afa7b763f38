package io.caravan.amazon;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Column-wise rows for {@code unnest(?::text[], ...)}: one text array per column (the driver binds String[] as
 * text[]; SQL casts each to its type), so a whole chunk is one statement and one round trip.
 */
final class UnnestColumns {
    private final List<List<String>> columns = new ArrayList<>();

    UnnestColumns(int width) {
        for (int i = 0; i < width; i++) {
            columns.add(new ArrayList<>());
        }
    }

    void add(Object... row) {
        if (row.length != columns.size()) {
            throw new IllegalArgumentException("expected " + columns.size() + " columns, got " + row.length);
        }
        for (int i = 0; i < row.length; i++) {
            columns.get(i).add(row[i] == null ? null : row[i] instanceof BigDecimal d ? d.toPlainString() : row[i].toString());
        }
    }

    int size() {
        return columns.get(0).size();
    }

    /** {@code before}, then one String[] per column, then {@code after}. */
    Object[] arguments(Object[] before, Object... after) {
        List<Object> arguments = new ArrayList<>(List.of(before));
        columns.forEach(column -> arguments.add(column.toArray(String[]::new)));
        arguments.addAll(List.of(after));
        return arguments.toArray();
    }
}
