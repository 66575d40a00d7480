package io.beacon.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads a {@link BeaconConfig} from, in increasing precedence: defaults, a config file, the
 * {@code BEACON_*} environment and command-line flags.
 *
 * <p>The config file uses Java-properties syntax with the {@code snake_case} keys
 * ({@code http_port = 7070}). Its path is the {@code --config} flag, else {@code BEACON_CONFIG},
 * else {@code beacon.conf} in the working directory if that file exists.
 *
 * <p>A typo must not pass silently: an unknown key in the file, or an environment variable starting
 * with {@code BEACON_} that is not a setting, is an error naming it. Exempt are {@code BEACON_CONFIG},
 * {@code BEACON_LOG_LEVEL} (read by logback), {@code BEACON_JAVA_OPTS} (read by {@code bin/beacon})
 * and every variable starting with {@code BEACON_TEST_} or {@code BEACON_BENCH_}.
 *
 * <p>Values are trimmed; a blank value of an optional setting (e.g. {@code BEACON_JWT_SECRET=})
 * unsets it. Relative paths are kept relative (to the process working directory), except the config
 * file path, which is resolved against the loader's working directory.
 *
 * <pre>{@code
 * BeaconConfig config = new ConfigLoader(System.getenv(), Path.of(""))
 *         .load(null, Map.of("http_port", "8080"));
 * }</pre>
 */
public final class ConfigLoader {
    /** Environment variable naming the config file. */
    public static final String CONFIG_ENV = "BEACON_CONFIG";
    /** The config file looked for in the working directory when none is named. */
    public static final String DEFAULT_CONFIG_FILE = "beacon.conf";
    /** {@code BEACON_*} environment variables that are not settings but are allowed. */
    public static final Set<String> OTHER_ENV_VARS = Set.of(CONFIG_ENV, "BEACON_LOG_LEVEL", "BEACON_JAVA_OPTS");
    /** Prefixes of {@code BEACON_*} environment variables that belong to tests and benchmarks. */
    public static final List<String> IGNORED_ENV_PREFIXES = List.of("BEACON_TEST_", "BEACON_BENCH_");

    /** Where an effective value came from. */
    public enum Source {
        DEFAULT, FILE, ENV, FLAG
    }

    /**
     * A loaded configuration with where each value came from.
     *
     * @param config     the configuration
     * @param configFile the config file that was read, if any
     * @param sources    the source of every key's value
     */
    public record Loaded(BeaconConfig config, Optional<Path> configFile, Map<ConfigKey, Source> sources) {
        public Loaded {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(configFile, "configFile");
            sources = Collections.unmodifiableMap(new EnumMap<>(sources));
        }
    }

    private final Map<String, String> env;
    private final Path workingDir;

    /** A loader reading the process environment, relative to the process working directory. */
    public ConfigLoader() {
        this(System.getenv(), Path.of(""));
    }

    /** A loader reading {@code env} instead of the process environment. */
    public ConfigLoader(Map<String, String> env) {
        this(env, Path.of(""));
    }

    /**
     * A loader reading {@code env}, looking for {@value #DEFAULT_CONFIG_FILE} and resolving a relative
     * config file path in {@code workingDir}.
     */
    public ConfigLoader(Map<String, String> env, Path workingDir) {
        this.env = Map.copyOf(env);
        this.workingDir = Objects.requireNonNull(workingDir, "workingDir");
    }

    /** Loads with no {@code --config} flag and no command-line flags. */
    public BeaconConfig load() {
        return load(null, Map.of());
    }

    /**
     * Loads the configuration.
     *
     * @param configFile the {@code --config} flag, or {@code null}
     * @param flags      command-line values by config-file key ({@code "http_port" -> "8080"})
     * @throws ConfigException on any invalid value, unknown key or unreadable file
     */
    public BeaconConfig load(Path configFile, Map<String, String> flags) {
        return loadWithSources(configFile, flags).config();
    }

    /** Like {@link #load(Path, Map)}, also telling where each value came from. */
    public Loaded loadWithSources(Path configFile, Map<String, String> flags) {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        Map<ConfigKey, Source> sources = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            sources.put(key, Source.DEFAULT);
        }

        Optional<Path> file = locateConfigFile(configFile);
        if (file.isPresent()) {
            readFile(file.get(), values, sources);
        }
        readEnv(values, sources);
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            ConfigKey key = ConfigKey.byKey(flag.getKey());
            if (key == null) {
                throw new ConfigException("unknown setting " + ConfigKey.quote(flag.getKey()) + suggestion(flag.getKey(), false));
            }
            if (flag.getValue() != null) {
                values.put(key, flag.getValue());
                sources.put(key, Source.FLAG);
            }
        }

        BeaconConfig.Builder builder = BeaconConfig.builder();
        values.forEach((key, raw) -> key.apply(builder, raw));
        return new Loaded(builder.build(), file, sources);
    }

    private Optional<Path> locateConfigFile(Path flag) {
        if (flag != null) {
            return Optional.of(requireFile(workingDir.resolve(flag), "--config"));
        }
        String fromEnv = env.get(CONFIG_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(requireFile(workingDir.resolve(fromEnv.strip()), CONFIG_ENV));
        }
        Path implicit = workingDir.resolve(DEFAULT_CONFIG_FILE).toAbsolutePath();
        return Files.isRegularFile(implicit) ? Optional.of(implicit) : Optional.empty();
    }

    /** The absolute path of an existing regular file, else a {@link ConfigException} naming where it came from. */
    private static Path requireFile(Path given, String from) {
        Path path = given.toAbsolutePath();
        if (!Files.exists(path)) {
            throw new ConfigException("config file not found: " + path + " (from " + from + ")");
        }
        if (!Files.isRegularFile(path)) {
            throw new ConfigException("config file is not a regular file: " + path + " (from " + from + ")");
        }
        return path;
    }

    private static void readFile(Path path, Map<ConfigKey, String> values, Map<ConfigKey, Source> sources) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + path, e);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read config file " + path + ": " + e.getMessage(), e);
        }
        Set<String> unknown = new TreeSet<>();
        for (String name : properties.stringPropertyNames()) {
            ConfigKey key = ConfigKey.byKey(name);
            if (key == null) {
                unknown.add(name);
            } else {
                values.put(key, properties.getProperty(name));
                sources.put(key, Source.FILE);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(describeUnknown(unknown, "key", false) + " in config file " + path
                    + "; run 'beacon config' to list the keys");
        }
    }

    private void readEnv(Map<ConfigKey, String> values, Map<ConfigKey, Source> sources) {
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("BEACON_") || OTHER_ENV_VARS.contains(name) || ignoredPrefix(name)) {
                continue;
            }
            ConfigKey key = ConfigKey.byEnvVar(name);
            if (key == null) {
                unknown.add(name);
            } else {
                values.put(key, e.getValue());
                sources.put(key, Source.ENV);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(describeUnknown(unknown, "environment variable", true)
                    + "; run 'beacon config' to list the settings");
        }
    }

    private static boolean ignoredPrefix(String name) {
        for (String prefix : IGNORED_ENV_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String describeUnknown(Set<String> names, String what, boolean env) {
        if (names.size() == 1) {
            String name = names.iterator().next();
            return "unknown " + what + " " + (env ? name : ConfigKey.quote(name)) + suggestion(name, env);
        }
        List<String> shown = new ArrayList<>();
        for (String name : names) {
            shown.add(env ? name : ConfigKey.quote(name));
        }
        return "unknown " + what + "s " + String.join(", ", shown);
    }

    /** " (did you mean X?)" for the closest known name within a small edit distance, else "". */
    private static String suggestion(String name, boolean env) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey key : ConfigKey.values()) {
            String candidate = env ? key.envVar() : key.key();
            int d = editDistance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= 3 ? " (did you mean " + best + "?)" : "";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Every setting, in documentation order. */
    public static List<ConfigKey> keys() {
        return List.of(ConfigKey.values());
    }

    /**
     * A plain-text reference of every setting: key, environment variable, flag, default and
     * description, one block per key. Used by {@code --help} and the documentation.
     */
    public static String describeKeys() {
        StringBuilder sb = new StringBuilder();
        for (ConfigKey key : ConfigKey.values()) {
            sb.append(key.key()).append("  (").append(key.envVar()).append(", ").append(key.flag()).append(")\n")
                    .append("    ").append(key.description()).append('\n')
                    .append("    default: ").append(key.defaultValue() == null ? "(unset)" : key.defaultValue())
                    .append("; accepts ").append(key.expected()).append('\n');
        }
        return sb.toString();
    }
}
