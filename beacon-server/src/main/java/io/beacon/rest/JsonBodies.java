package io.beacon.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.error.BeaconError;
import io.beacon.protocol.ClientMessages;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Validation shared by the REST endpoints' JSON bodies: known fields only, and lists of user ids. */
final class JsonBodies {
    private JsonBodies() {
    }

    /** Refuses any field of {@code node} not in {@code allowed}; {@code prefix} names a nested object. */
    static void onlyFields(JsonNode node, Set<String> allowed, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw BeaconError.badRequest("unknown field \"" + prefix + f + "\"; expected " + new TreeSet<>(allowed));
            }
        }
    }

    /**
     * The user ids of array field {@code field}, each checked, duplicates dropped in order: 400 for a
     * wrong type or a bad id, 413 past {@code max}; a missing field is 400 when {@code required}, else empty.
     */
    static List<String> userIds(JsonNode body, String field, boolean required, int max, ClientMessages parser) {
        JsonNode arr = body.get(field);
        if (arr == null || arr.isNull()) {
            if (required) {
                throw BeaconError.badRequest("missing field \"" + field + "\" (an array of user ids)");
            }
            return List.of();
        }
        if (!arr.isArray()) {
            throw BeaconError.badRequest("\"" + field + "\" must be an array of user ids");
        }
        if (arr.size() > max) {
            throw BeaconError.tooLarge("\"" + field + "\" has " + arr.size() + " ids; the limit is " + max + " per call");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < arr.size(); i++) {
            if (!arr.get(i).isTextual()) {
                throw BeaconError.badRequest("\"" + field + "\"[" + i + "] must be a string");
            }
            out.add(parser.checkUserId(arr.get(i).textValue(), "\"" + field + "\"[" + i + "]"));
        }
        return new ArrayList<>(out);
    }
}
