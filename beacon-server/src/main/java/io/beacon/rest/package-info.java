/** The backend REST API (API key) and the ops endpoints. */
package io.beacon.rest;
