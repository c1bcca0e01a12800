package io.qsvit;

/**
 * The command line itself is wrong: an option's value outside its range, options that exclude each other, a
 * malformed option value. The command line prints its message as one line and exits 2 (picocli's usage-error
 * code); a problem with a file or folder the options name is a plain {@link UserInputException} (exit 1).
 */
public class UsageException extends UserInputException {
    public UsageException(String message) {
        super(message);
    }
}
