package io.kgr.manifest;

import tools.jackson.databind.JsonNode;

/**
 * One YAML document that declares a kgr-managed kind, with the positions of its fields.
 *
 * @param body        the document as a JSON tree (what the JSON Schema validates and the desired stage reads)
 * @param schemaValid false when the schema reported errors: the document is still read for further checks, so that
 *                    every problem is reported in one run, but it never becomes desired state
 * @param index       which document of its file this is (0 for the first)
 */
public record Manifest(String apiVersion, String kind, String name, JsonNode body, Positions positions, Location start,
                       boolean schemaValid, int index) {

    public Location at(FieldPath path) {
        return positions.of(path);
    }

    public String file() {
        return start.file();
    }
}
