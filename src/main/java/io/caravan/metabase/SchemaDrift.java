package io.caravan.metabase;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a card's columns differ from the table's last loaded shape. */
public record SchemaDrift(List<CardColumns.Column> added, List<String> removed, List<CardColumns.Column> retyped,
                          Map<String, String> oldTypes) {

    /** @param existing the target's columns (name → PostgreSQL type), empty when the table does not exist yet */
    public static SchemaDrift between(Map<String, String> existing, List<CardColumns.Column> card) {
        List<CardColumns.Column> added = new ArrayList<>();
        List<CardColumns.Column> retyped = new ArrayList<>();
        Map<String, String> oldTypes = new LinkedHashMap<>();
        Map<String, String> left = new LinkedHashMap<>(existing);
        if (existing.isEmpty()) {
            return new SchemaDrift(List.of(), List.of(), List.of(), Map.of());
        }
        for (CardColumns.Column column : card) {
            String type = left.remove(column.name());
            if (type == null) {
                added.add(column);
            } else if (!type.equals(column.type())) {
                retyped.add(column);
                oldTypes.put(column.name(), type);
            }
        }
        return new SchemaDrift(List.copyOf(added), List.copyOf(left.keySet()), List.copyOf(retyped), oldTypes);
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && retyped.isEmpty();
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (!added.isEmpty()) {
            parts.add("added " + added.stream().map(c -> c.name() + " " + c.type()).toList());
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + removed);
        }
        if (!retyped.isEmpty()) {
            parts.add("retyped " + retyped.stream().map(c -> c.name() + ": " + oldTypes.get(c.name()) + " → " + c.type()).toList());
        }
        if (!added.isEmpty() && !removed.isEmpty()) {
            parts.add("(an added and a removed column may be one renamed column)");
        }
        return String.join(", ", parts);
    }
}
