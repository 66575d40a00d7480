package io.beacon.cli;

import io.beacon.auth.DevSecrets;
import io.beacon.config.BeaconConfig;
import io.beacon.config.ConfigException;
import io.beacon.config.ConfigKey;
import io.beacon.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code beacon config}: every setting with its environment variable, default and effective value. */
@Command(name = "config", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print every setting: key, environment variable, default, effective value and its source.",
        footer = {"", "Every setting flag of 'beacon serve' (--data-dir, --jwt-secret, ...) is accepted too."})
final class ConfigCommand implements Callable<Integer> {
    private static final String MASK = "****";

    private final ConfigLoader loader;

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "config file (properties syntax) [env BEACON_CONFIG; default ./beacon.conf if present]")
    private Path configFile;

    @Option(names = "--reference", description = "print the reference of all settings (descriptions, accepted values) instead")
    private boolean reference;

    ConfigCommand(ConfigLoader loader) {
        this.loader = loader;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (reference) {
            out.print(ConfigLoader.describeKeys());
            out.flush();
            return 0;
        }
        ConfigLoader.Loaded loaded;
        try {
            loaded = loader.loadWithSources(configFile, ConfigFlags.values(spec));
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("beacon: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        BeaconConfig config = loaded.config();
        out.println("config file: " + loaded.configFile().map(Path::toString).orElse("(none)"));
        out.println("dev mode:    " + (config.devMode() ? "yes (no jwt_secret; using " + config.dataDir().resolve(DevSecrets.JWT_SECRET_FILE) + ")" : "no"));
        String format = "%-24s %-32s %-10s %-24s %s%n";
        out.printf(format, "KEY", "ENV", "DEFAULT", "EFFECTIVE", "SOURCE");
        for (ConfigKey key : ConfigKey.values()) {
            String value = key.valueIn(config);
            String shown = value == null ? "(unset)" : key.secret() ? MASK : value;
            out.printf(format, key.key(), key.envVar(), key.defaultValue() == null ? "-" : key.defaultValue(), shown,
                    loaded.sources().get(key).name().toLowerCase(Locale.ROOT));
        }
        out.flush();
        return 0;
    }
}
