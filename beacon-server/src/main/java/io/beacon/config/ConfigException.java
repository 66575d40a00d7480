package io.beacon.config;

/**
 * A configuration value is invalid, a key is unknown, or a config file cannot be read.
 *
 * <p>The message is always a single line meant for the operator, naming the key, its environment
 * variable, the bad value and what is accepted, for example
 * {@code invalid value "abc" for http_port (BEACON_HTTP_PORT): expected an integer 0..65535}.
 * Secret values are never echoed.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception; line breaks in {@code message} are replaced so it stays one line. */
    public ConfigException(String message) {
        super(message.replace("\r", " ").replace("\n", " "));
    }

    /** Creates an exception with a cause; line breaks in {@code message} are replaced. */
    public ConfigException(String message, Throwable cause) {
        super(message.replace("\r", " ").replace("\n", " "), cause);
    }
}
