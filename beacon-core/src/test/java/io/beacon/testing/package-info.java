/** Scaffolding shared by the contract test suites of the seams. */
package io.beacon.testing;
