package io.qsvit;

/**
 * A problem with what the user gave us (a path, a file, an option). The command line prints its message as
 * one line and exits non-zero, so the message must name the offending input and say what is wrong. Names
 * quoted from an input (a tensor name, a header) may hold line breaks: the message shows them escaped, so it is
 * one line whatever it quotes.
 */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(oneLine(message));
    }

    public UserInputException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String message) {
        return message == null ? null : message.replace("\r", "\\r").replace("\n", "\\n");
    }
}
