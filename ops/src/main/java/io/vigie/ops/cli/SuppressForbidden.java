package io.vigie.ops.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method whose use of an API the build forbids (forbiddenapis, see the root pom) is deliberate; the reason
 * says why. Kept to the few places that must: the CLI's entry point owns the process's standard streams.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.TYPE})
public @interface SuppressForbidden {
    /** Why the forbidden API is right here. */
    String reason();
}
