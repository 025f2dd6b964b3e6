# The VM guest, included by the top Makefile: Debian's cloud kernel (unpacked from its .deb
# into the build tree, never installed on the host; vmlinux is its uncompressed ELF, which
# the launcher boots) and an uncompressed initramfs holding boxbench-init, boxbench-load and the
# virtio disk modules (uncompressed because it boots faster under TCG: see launchers/vm.c).
# `make guest` builds just these.
#
# The kernel is fetched once and kept: it is rebuilt when guest-kernel.sh changes or its output
# is missing (`rm -rf build/guest` to pick up a newer Debian kernel). The initramfs is rebuilt
# when init, the workload, the script or the kernel change.

GUEST_DIR    := $(BUILD)/guest
GUEST_KERNEL := $(GUEST_DIR)/vmlinux
GUEST_INITRD := $(GUEST_DIR)/initramfs.cpio

GUEST_ALL += $(BUILD)/boxbench-init $(BUILD)/boxbench-box $(GUEST_KERNEL) $(GUEST_INITRD)

# container-in-vm's helper (bench/box.c): the host's container launcher itself, linked
# statically with the modules it needs, run by the guest's init.
BOX_OBJ := $(addprefix $(BUILD)/obj-static/,bench/box.o bench/record.o harness/err.o \
	   $(addprefix launchers/,container.o cgroup.o ns.o rootfs.o proc.o image.o sweep.o))

$(BUILD)/boxbench-box: $(BOX_OBJ)
	@echo "  LD      $@ (static)"
	$(Q)$(CC) $(BBFLAGS) $(CFLAGS) -static $^ -ljansson -lpthread -lm -o $@

guest: $(GUEST_KERNEL) $(GUEST_INITRD)

$(GUEST_KERNEL): scripts/guest-kernel.sh | $(DEPS_STAMP)
	@echo "  KERNEL  $@"
	$(Q)scripts/guest-kernel.sh $(GUEST_DIR)

$(GUEST_INITRD): scripts/mkinitramfs.sh $(BUILD)/boxbench-init $(BUILD)/boxbench-load \
		 $(BUILD)/boxbench-box $(GUEST_KERNEL)
	@echo "  CPIO    $@"
	$(Q)scripts/mkinitramfs.sh $@ $(BUILD)/boxbench-init $(BUILD)/boxbench-load \
		$(GUEST_DIR)/modules none $(BUILD)/boxbench-box

# An installed boxbench looks for the guest where it finds boxbench-load (its libexec dir).
.PHONY: install-guest
install: install-guest
# The kernel is Debian's, unmodified: its package, version and copyright (GPL-2) go along,
# and its source is Debian's `linux` source package of that version.
install-guest: $(GUEST_KERNEL) $(GUEST_INITRD)
	install -d $(DESTDIR)$(PREFIX)/libexec/boxbench/guest $(DESTDIR)$(PREFIX)/share/doc/boxbench
	install -m 644 $(GUEST_KERNEL) $(GUEST_INITRD) $(DESTDIR)$(PREFIX)/libexec/boxbench/guest/
	# the compressed image of the same kernel: what the footprint counts (what a real VM boots)
	install -m 644 $(GUEST_DIR)/vmlinuz $(DESTDIR)$(PREFIX)/libexec/boxbench/guest/
	install -m 644 $(GUEST_DIR)/kernel.version $(DESTDIR)$(PREFIX)/libexec/boxbench/guest/
	install -m 644 $(GUEST_DIR)/kernel/usr/share/doc/linux-image-*/copyright \
		$(DESTDIR)$(PREFIX)/share/doc/boxbench/guest-kernel.copyright
	set -- $$(cat $(GUEST_DIR)/kernel.version); \
	printf '%s\n' "The VM guest's kernel (libexec/boxbench/guest/vmlinux) is Debian's $$1" \
		"version $$2, unmodified (uncompressed from its vmlinuz). Source: Debian's linux" \
		"source package, version $$2 (apt-get source linux=$$2, or" \
		"https://snapshot.debian.org/package/linux/$$2/). Licence: GPL-2, see" \
		"guest-kernel.copyright. The initramfs holds boxbench-init, boxbench-load and" \
		"the kernel's virtio modules." \
		> $(DESTDIR)$(PREFIX)/share/doc/boxbench/guest-kernel.source

# Root file system images (launchers/image.h) for `boxbench run --image NAME`: built only when
# asked (`make image-debian`: debootstrap from Debian's archive, about 30 s and 200 MB), then
# kept current by every `make`, which remakes an image's root and disk (a few seconds) when the
# workload or the kernel changed. The base tree is made once: `rm -rf build/images/debian` for
# a fresh one.
IMAGES_DIR   := $(BUILD)/images
IMAGES_BUILT := $(patsubst %/base.info,%/image.json,$(wildcard $(IMAGES_DIR)/*/base.info))
GUEST_ALL    += $(IMAGES_BUILT)

.PHONY: image-debian
image-debian: $(IMAGES_DIR)/debian/image.json

$(IMAGES_DIR)/debian/base.info: scripts/debian-base.sh | $(DEPS_STAMP)
	@echo "  BASE    $(IMAGES_DIR)/debian/base"
	$(Q)scripts/debian-base.sh $(IMAGES_DIR)/debian

$(IMAGES_DIR)/%/image.json: $(IMAGES_DIR)/%/base.info scripts/mkimage.sh $(BUILD)/boxbench-load \
			    $(GUEST_KERNEL)
	@echo "  IMAGE   $(IMAGES_DIR)/$*"
	$(Q)scripts/mkimage.sh $(IMAGES_DIR)/$* $(BUILD)/boxbench-load $(GUEST_DIR)/kernel

# The full-OS disk of vm-full (launchers/vm_full.c): a Debian system with systemd, udev,
# Debian's cloud kernel and extlinux, booted by SeaBIOS. Built only when asked (`make
# image-full`: debootstrap from Debian's archive, about 3 minutes and 700 MB once), then kept
# current by every `make` (a new disk, about 20 s, when the workload or init changed). The base
# is made once: `rm -rf build/full` for a fresh one. Not an --image: vm-full is its own box.
FULL_DIR      := $(BUILD)/full
FULL_DISK     := $(FULL_DIR)/disk.img
FULL_PACKAGES := systemd-sysv,udev,linux-image-cloud-amd64
GUEST_ALL     += $(if $(wildcard $(FULL_DIR)/base.info),$(FULL_DISK))

.PHONY: image-full
image-full: $(FULL_DISK)

$(FULL_DIR)/base.info: scripts/debian-base.sh | $(DEPS_STAMP)
	@echo "  BASE    $(FULL_DIR)/base"
	$(Q)BOXBENCH_DEBIAN_INCLUDE=$(FULL_PACKAGES) scripts/debian-base.sh $(FULL_DIR)

$(FULL_DISK): $(FULL_DIR)/base.info scripts/mkimage-full.sh $(BUILD)/boxbench-load \
	      $(BUILD)/boxbench-init
	@echo "  DISK    $@"
	$(Q)scripts/mkimage-full.sh $(FULL_DIR) $(BUILD)/boxbench-load $(BUILD)/boxbench-init
