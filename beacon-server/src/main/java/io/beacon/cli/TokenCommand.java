package io.beacon.cli;

import io.beacon.auth.DevSecrets;
import io.beacon.auth.TokenIssuer;
import io.beacon.config.BeaconConfig;
import io.beacon.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/** {@code beacon token USER}: prints one client JWT to stdout and nothing else. */
@Command(name = "token", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a client JWT for USER, signed with jwt_secret, or in dev mode with the",
                "secret in data_dir/dev-jwt-secret (created if missing; the server uses the same file)."},
        footer = {"", "Every setting flag of 'beacon serve' (--data-dir, --jwt-secret, ...) is accepted too."})
final class TokenCommand implements Callable<Integer> {
    private final ConfigLoader loader;
    private final LongSupplier clockMillis;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "USER", description = "user id (the sub claim)")
    private String user;

    @Option(names = "--rooms", split = ",", paramLabel = "ROOM",
            description = "rooms the user may join: ids or prefix* patterns, comma-separated")
    private List<String> rooms = new ArrayList<>();

    @Option(names = "--ttl", paramLabel = "TTL", defaultValue = "24h",
            description = "lifetime: 24h, 90m, 3600s, 7d or seconds (default: ${DEFAULT-VALUE})")
    private String ttl;

    @Option(names = "--device", paramLabel = "DEVICE", description = "device claim: web, desktop, mobile or other")
    private String device;

    @Option(names = "--config", paramLabel = "FILE",
            description = "config file (properties syntax) [env BEACON_CONFIG; default ./beacon.conf if present]")
    private Path configFile;

    TokenCommand(ConfigLoader loader, LongSupplier clockMillis) {
        this.loader = loader;
        this.clockMillis = clockMillis;
    }

    @Override
    public Integer call() {
        try {
            BeaconConfig config = loader.load(configFile, ConfigFlags.values(spec));
            List<String> roomList = rooms.stream().map(String::strip).filter(r -> !r.isEmpty()).toList();
            String secret = DevSecrets.effectiveJwtSecret(config);
            String token = new TokenIssuer(secret, clockMillis).issue(user, Ttl.parse(ttl), roomList, device);
            spec.commandLine().getOut().println(token);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException e) { // ConfigException, bad --ttl, user, rooms or device
            spec.commandLine().getErr().println("beacon: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (IOException e) {
            spec.commandLine().getErr().println("beacon: cannot read or create the dev secret: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
    }
}
