package io.beacon.cli;

import io.beacon.config.ConfigKey;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Adds one {@code --kebab-case} option per {@link ConfigKey} to a command, and reads them back.
 * Values stay text: {@link io.beacon.config.ConfigLoader} parses them, so a bad flag gets the same
 * one-line error as a bad environment variable.
 */
final class ConfigFlags {
    private ConfigFlags() {
    }

    /** Adds the flags; {@code hidden} keeps them out of the command's help (they still work). */
    static void addTo(CommandSpec spec, boolean hidden) {
        for (ConfigKey key : ConfigKey.values()) {
            String shownDefault = key.defaultValue() == null ? "unset" : key.defaultValue();
            OptionSpec.Builder option = OptionSpec.builder(key.flag())
                    .type(String.class)
                    .paramLabel(key.key().toUpperCase(Locale.ROOT))
                    .hidden(hidden)
                    .description(key.description() + " [env " + key.envVar() + "; default " + shownDefault + "]");
            if (key == ConfigKey.REDIS_CLUSTER) {
                option.arity("0..1").fallbackValue("true").paramLabel("true|false");
            }
            spec.addOption(option.build());
        }
    }

    /** The flags given on the command line, by config-file key. */
    static Map<String, String> values(CommandSpec spec) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            OptionSpec option = spec.findOption(key.flag());
            String value = option == null ? null : option.getValue();
            if (value != null) {
                values.put(key.key(), value);
            }
        }
        return values;
    }
}
