package io.vigie.engine.detect;

/** Creates the {@link Detector} of each rule worker. */
@FunctionalInterface
public interface DetectorFactory {
    /**
     * @param ordinal this worker's index, 0-based
     * @param workers the number of rule workers; a worker owns the events and keyed state whose hash modulo
     *                {@code workers} equals its ordinal
     */
    Detector create(int ordinal, int workers);
}
