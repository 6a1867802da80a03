/** Test fixtures: real servers started on loopback ports, fakes (clock, stores) for unit tests. */
package io.pgwarden.testing;
