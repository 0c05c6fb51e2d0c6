// SPDX-License-Identifier: GPL-2.0
/*
 * addkey - load an X.509 certificate (DER) into the kernel's .fs-verity
 * keyring, so that builtin fs-verity signatures made with its key verify
 * (the guest has no keyctl).  The keyring's serial is read from /proc/keys.
 *
 * Usage: addkey CERT.der      (prints the new key's serial)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

/**
 * fsverity_keyring() - serial of the .fs-verity keyring, from /proc/keys.
 *
 * Return: the serial, or -1 if /proc/keys has no such keyring.
 */
static long fsverity_keyring(void)
{
	char line[512];
	long id = -1;
	FILE *f = fopen("/proc/keys", "r");

	if (!f)
		return -1;
	while (id < 0 && fgets(line, sizeof(line), f))
		if (strstr(line, " .fs-verity:"))
			sscanf(line, "%lx", &id);
	fclose(f);
	return id;
}

int main(int argc, char **argv)
{
	static char cert[65536];
	size_t n;
	long ring, key;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: addkey CERT.der\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	n = fread(cert, 1, sizeof(cert), f);
	fclose(f);
	ring = fsverity_keyring();
	if (ring < 0) {
		fprintf(stderr, "addkey: no .fs-verity keyring in /proc/keys\n");
		return 1;
	}
	key = syscall(SYS_add_key, "asymmetric", "", cert, n, ring);
	if (key < 0) {
		perror("addkey: add_key");
		return 1;
	}
	printf("%ld\n", key);
	return 0;
}
