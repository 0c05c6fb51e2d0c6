/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * message_ids.h - the journal MESSAGE_IDs of verify-file's entries
 *
 * Fixed forever: administrators and tools find the entries with
 * `journalctl MESSAGE_ID=...`.  Never change one; a new kind of entry
 * gets a new ID (systemd-id128 new).  verify-file(1) lists them.
 */
#ifndef VF_MESSAGE_IDS_H
#define VF_MESSAGE_IDS_H

/* One entry per bad range, by its kind. */
#define VF_MSGID_HASH_MISMATCH	"d266e1c4dd46404aa843de9088741319"
#define VF_MSGID_TREE_CORRUPT	"36caccdb800642439b9789fbae686c04"
#define VF_MSGID_IO_ERROR	"506fad47e4604ec1b05e9f4b31619784"
#define VF_MSGID_UNKNOWN	"4539a41b3f4d42c69b4a92ba07ded518"
#define VF_MSGID_TRANSIENT	"7a76f311cf094df6a64fb89a852da772"
/* One per run. */
#define VF_MSGID_SUMMARY	"906aee1ce71c4af8a2e48b6b35551a10"
/* One per file repaired by --repair-from. */
#define VF_MSGID_REPAIRED	"23685eb25e4b457daa125e397f5f3111"

#endif /* VF_MESSAGE_IDS_H */
