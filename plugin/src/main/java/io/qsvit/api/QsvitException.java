package io.qsvit.api;

/**
 * A problem with something a program gave qsvit: a model, data, setting or output folder that is missing,
 * malformed or does not fit. The message names the input and says what is wrong, in one line, as the
 * command line prints it; nothing half-written is left behind.
 */
public class QsvitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what is wrong, naming the input
     * @param cause   the internal exception that found it
     */
    public QsvitException(String message, Throwable cause) {
        super(message, cause);
    }
}
