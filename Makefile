# Build, image and run the kernel. Variables follow the ArceOS/Starry convention.
ARCH   ?= x86_64
A      ?= apps/shell
SMP    ?= 2
MEM    ?= 1G
LOG    ?= warn
MODE   ?= release
STRACE ?= 0
VDSO   ?= 1
ACCEL  ?= $(shell scripts/detect-accel.sh $(ARCH))

ifeq ($(ARCH),x86_64)
  TARGET := x86_64-unknown-none
  PLAT   := x86-q35
else ifeq ($(ARCH),riscv64)
  TARGET := riscv64gc-unknown-none-elf
  PLAT   := riscv64-qemu-virt
else
  $(error ARCH must be x86_64 or riscv64)
endif

ROOT       := $(CURDIR)
BUILD      := $(ROOT)/build/$(ARCH)
# One cargo target directory per arch and CPU count: axconfig constants
# reach almost every crate, so sharing one would rebuild everything.
TARGET_DIR := $(ROOT)/target/$(ARCH)-smp$(SMP)
OUT_DIR    := $(TARGET_DIR)/$(TARGET)/$(MODE)
KERNEL_ELF := $(OUT_DIR)/kernel
KERNEL_BIN := $(BUILD)/kernel-$(MODE).bin
AX_CONFIG  := $(BUILD)/axconfig-smp$(SMP)-$(MEM).toml
DISK_IMG   := $(BUILD)/disk-$(notdir $(A)).img

export PATH := $(ROOT)/.tools/bin:/usr/bin:$(PATH)
export RUSTC := /usr/bin/rustc
export RUSTC_BOOTSTRAP := 1
export AX_CONFIG_PATH := $(AX_CONFIG)
export AX_LOG := $(LOG)
export AX_MODE := $(MODE)
export AX_TARGET := $(TARGET)
export KERNEL_STRACE := $(STRACE)
export KERNEL_VDSO := $(VDSO)
export RUSTFLAGS := -C link-arg=-T$(OUT_DIR)/linker_$(PLAT).lds -C link-arg=-no-pie \
	-C link-arg=-znostart-stop-gc -C force-frame-pointers=yes

CARGO_FLAGS := -Zbuild-std=core,alloc -Zbuild-std-features=compiler-builtins-mem \
	--target $(TARGET) --target-dir $(TARGET_DIR) -p kernel
ifeq ($(MODE),release)
  CARGO_FLAGS += --release
endif

.PHONY: all build kernel image run test setup clean fmt clippy unittest bench

all: build

setup:
	@scripts/setup.sh

$(AX_CONFIG): configs/$(ARCH).toml Makefile
	@mkdir -p $(BUILD)
	@scripts/gen-config.sh $< $@ $(SMP) $(MEM)

build kernel: setup $(AX_CONFIG)
	cargo build $(CARGO_FLAGS)
ifeq ($(ARCH),x86_64)
	@scripts/check-boot-pages.py $(KERNEL_ELF)
endif
	@mkdir -p $(BUILD)
	llvm-objcopy-22 -O binary $(KERNEL_ELF) $(KERNEL_BIN)

image: setup
	@scripts/mkimage.sh $(ARCH) $(A) $(DISK_IMG)

run: build image
	@scripts/qemu.sh $(ARCH) $(KERNEL_ELF) $(KERNEL_BIN) $(DISK_IMG) $(SMP) $(MEM) $(ACCEL)

# Our kernel against Debian's Linux 6.1 in the same QEMU (TCG): RUNS boots of each (default 3),
# results in build/bench/. x86_64 only: Debian bookworm has no riscv64 kernel package.
bench:
ifneq ($(ARCH),x86_64)
	$(error make bench is x86_64 only (Debian bookworm has no riscv64 Linux kernel to compare with))
endif
	$(MAKE) ARCH=x86_64 SMP=2 MEM=$(MEM) MODE=$(MODE) build
	RUNS=$${RUNS:-3} MEM=$(MEM) KERNEL_ELF=$(ROOT)/target/x86_64-smp2/x86_64-unknown-none/$(MODE)/kernel \
		scripts/bench/bench.sh

# The host-testable crates are those under modules/ (api/ needs the bare-metal target); the
# kernel's RUSTFLAGS (its linker script) must not reach a host build.
unittest: setup
	env -u RUSTFLAGS cargo test $(addprefix -p ,$(notdir $(wildcard modules/*)))

test: setup
	@scripts/test.sh

fmt:
	cargo fmt --all

clippy: setup $(AX_CONFIG)
	cargo clippy $(CARGO_FLAGS)

clean:
	rm -rf target build
