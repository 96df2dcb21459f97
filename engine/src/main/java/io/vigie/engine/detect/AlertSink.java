package io.vigie.engine.detect;

import io.vigie.engine.alert.Alert;

/** Where a rule worker hands alerts; the engine appends them to the alert journal on its alert thread. */
@FunctionalInterface
public interface AlertSink {
    /** Hands over an alert; the caller must not touch it afterwards. */
    void emit(Alert alert);
}
