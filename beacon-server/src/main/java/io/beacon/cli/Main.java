package io.beacon.cli;

import io.beacon.config.BeaconConfig;
import io.beacon.config.ConfigLoader;
import io.beacon.server.BeaconServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The {@code beacon} command line (what {@code bin/beacon} runs):
 * <ul>
 *   <li>{@code serve [--config FILE] [--http-port N ...]} runs a node until shutdown;</li>
 *   <li>{@code token USER [--rooms a,b*] [--ttl 24h] [--device web]} prints a client JWT signed with
 *       {@code jwt_secret} or the dev secret under {@code data_dir};</li>
 *   <li>{@code config} prints every setting with its environment variable, default and effective value.</li>
 * </ul>
 * Every subcommand takes {@code --config FILE} and one flag per setting (see {@link io.beacon.config.ConfigKey}).
 * Configuration errors print {@code beacon: <one line>} to stderr and exit with status 2.
 *
 * <p>For tests, build a {@code Main} with an injected environment, working directory and server
 * runner, then call {@link #commandLine()} (set its out/err writers) or {@link #execute(String...)}.
 */
@Command(name = "beacon", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Beacon: a real-time presence server.",
        footer = {"", "Every setting is a flag, a config-file key and a BEACON_<KEY> environment variable;",
                "run 'beacon config' to see them with their effective values."},
        subcommands = CommandLine.HelpCommand.class)
public final class Main implements Runnable {
    /** Exit status of configuration and usage errors. */
    public static final int EXIT_USAGE = 2;
    /** Exit status of a failure at run time. */
    public static final int EXIT_FAILURE = 1;

    /** What {@code serve} runs; production passes {@link BeaconServer#run(BeaconConfig)}. */
    @FunctionalInterface
    public interface ServerRunner {
        void run(BeaconConfig config) throws Exception;
    }

    private final ConfigLoader loader;
    private final ServerRunner runner;
    private final LongSupplier clockMillis;

    @Spec
    private CommandSpec spec;

    /**
     * @param env         the environment the configuration is read from
     * @param workingDir  where {@code beacon.conf} is looked for and relative {@code --config} paths start
     * @param runner      what {@code serve} runs
     * @param clockMillis time source of {@code token}
     */
    public Main(Map<String, String> env, Path workingDir, ServerRunner runner, LongSupplier clockMillis) {
        this.loader = new ConfigLoader(env, workingDir);
        this.runner = Objects.requireNonNull(runner, "runner");
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    public static void main(String[] args) {
        Main main = new Main(System.getenv(), Path.of(""), BeaconServer::run, System::currentTimeMillis);
        System.exit(main.execute(args));
    }

    /** The command tree; set its out/err writers before executing to capture output. */
    public CommandLine commandLine() {
        CommandLine root = new CommandLine(this);
        root.addSubcommand("serve", withConfigFlags(new ServeCommand(loader, runner), false));
        root.addSubcommand("token", withConfigFlags(new TokenCommand(loader, clockMillis), true));
        root.addSubcommand("config", withConfigFlags(new ConfigCommand(loader), true));
        return root;
    }

    /** Runs the command line and returns its exit status. */
    public int execute(String... args) {
        return commandLine().execute(args);
    }

    private static CommandLine withConfigFlags(Object command, boolean hidden) {
        CommandLine cl = new CommandLine(command);
        ConfigFlags.addTo(cl.getCommandSpec(), hidden);
        return cl;
    }

    /** {@code beacon} alone prints the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar manifest, if any. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"beacon " + (version == null ? "(development build)" : version)};
        }
    }
}
