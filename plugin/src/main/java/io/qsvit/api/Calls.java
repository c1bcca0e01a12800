package io.qsvit.api;

import io.qsvit.UserInputException;

import java.util.function.Supplier;

/** Runs internal code for the API: a problem with the user's input leaves it as a {@link QsvitException}. */
final class Calls {
    private Calls() {
    }

    static <T> T call(Supplier<T> internal) {
        try {
            return internal.get();
        } catch (UserInputException e) {
            throw new QsvitException(e.getMessage(), e);
        }
    }

    static void run(Runnable internal) {
        call(() -> {
            internal.run();
            return null;
        });
    }

    /** A builder's check: one clear message for the first thing missing or wrong. */
    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
