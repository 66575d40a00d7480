/** The privacy {@link io.beacon.privacy.Projection}: what a viewer may see of a user's presence. */
package io.beacon.privacy;
