/* SPDX-License-Identifier: MIT */
/* The one place the version is written: bce_version() and the test of
** .load read it from here. */
#ifndef BCE_VERSION_H
#define BCE_VERSION_H
#define BCE_VERSION "0.3.0"
#endif
