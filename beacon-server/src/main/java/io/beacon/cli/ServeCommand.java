package io.beacon.cli;

import io.beacon.config.BeaconConfig;
import io.beacon.config.ConfigException;
import io.beacon.config.ConfigLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code beacon serve}: loads the configuration and runs a node until it shuts down. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = "Run a Beacon node until it is shut down (SIGINT/SIGTERM).",
        footer = {"", "Precedence: defaults < config file < BEACON_* environment < flags."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    private final ConfigLoader loader;
    private final Main.ServerRunner runner;

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "config file (properties syntax) [env BEACON_CONFIG; default ./beacon.conf if present]")
    private Path configFile;

    ServeCommand(ConfigLoader loader, Main.ServerRunner runner) {
        this.loader = loader;
        this.runner = runner;
    }

    @Override
    public Integer call() {
        BeaconConfig config;
        try {
            config = loader.load(configFile, ConfigFlags.values(spec));
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("beacon: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        try {
            runner.run(config);
            return 0;
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("beacon: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (Exception e) {
            LOG.error("server failed", e);
            spec.commandLine().getErr().println("beacon: server failed: " + e);
            return Main.EXIT_FAILURE;
        }
    }
}
