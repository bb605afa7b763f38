package io.caravan.ops;

import java.util.List;

public class UnknownJobException extends RuntimeException {

    public UnknownJobException(String name, List<String> known) {
        super("No job named '" + name + "'. Jobs: " + String.join(", ", known));
    }
}
