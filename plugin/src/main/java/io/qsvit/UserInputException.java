package io.qsvit;

/**
 * A problem with what the user gave us (a path, a file, an option). The command line prints its message as
 * one line and exits non-zero, so the message must name the offending input and say what is wrong.
 */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
