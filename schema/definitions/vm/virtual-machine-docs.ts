/**
 * Users' documentation of the inputs of the `vm.VirtualMachine` kind, in our own words: one text per
 * parameter of `POST /nodes/{node}/qemu` and `PUT /nodes/{node}/qemu/{vmid}/config` (PVE 9.2),
 * without the control parameters `digest`, `delete`, `revert` and `skiplock`. Facts (defaults,
 * units, ranges, who may set what) come from the vendored schema and qemu-server's source
 * (`QemuServer.pm`, `QemuServer/Drive.pm`, `API2/Qemu.pm`). Kept as data so that the definition,
 * the SDK and the Terraform schema all show the same text.
 */

/** The caveat of the parameters whose permission check in `API2/Qemu.pm` accepts only `root@pam` itself. */
const ROOT_ONLY = "Only root@pam with a password login may set it, never an API token.";

/** The caveat of the parameters that `create_vm` extracts and never writes to the config. */
const CREATE_ONLY = "Create-only: acts only when the VM is created.";

/** Docs by PVE parameter name (indexed families as `scsi[n]`). */
export const VIRTUAL_MACHINE_DOCS: Readonly<Record<string, string>> = {
  acpi: "Gives the guest an ACPI interface, which power-button shutdown and most modern guests need. PVE's default: `true`; turn it off only for very old guests.",
  affinity: `Pins the VM's QEMU processes to these host CPU cores, as a cpuset such as \`0,5,8-11\`; unset means any core. ${ROOT_ONLY}`,
  agent:
    "Enables the QEMU guest agent channel (`enabled`) and its options. The guest must run qemu-guest-agent; PVE then uses it for clean shutdowns, IP reporting and freezing filesystems during backups. Off by default.",
  "allow-ksm":
    "Whether Kernel Samepage Merging may merge this guest's identical memory pages with others'. PVE's default: `true`; turn it off where memory side channels are a concern.",
  "amd-sev": `AMD Secure Encrypted Virtualization: encrypts guest memory (\`type\` std, es or snp, plus policy flags). Needs a host CPU with SEV enabled and \`bios: ovmf\`. ${ROOT_ONLY}`,
  arch: `The emulated CPU architecture, \`x86_64\` or \`aarch64\`; unset means the host's. A foreign architecture runs without KVM and is slow. ${ROOT_ONLY}`,
  archive: `Restores the VM from this backup instead of creating it empty: a backup volume id (\`pbs:backup/vm/100/...\`) or a .vma/.tar path on the node (root only). Disk slots cannot be given with it. ${CREATE_ONLY}`,
  args: `Raw arguments appended to the QEMU command line (e.g. \`-no-reboot\`). For experts: PVE does not check them, and a bad value keeps the VM from starting. ${ROOT_ONLY}`,
  audio0:
    "Adds an emulated sound card: `device` (`ich9-intel-hda`, `intel-hda` or `AC97`) and `driver` (`spice`, PVE's default, or `none`). The sound reaches a client only over a SPICE display.",
  autostart:
    "Meant to restart the VM after a crash, but PVE currently ignores it. PVE's default: `false`. Use `onboot` to start with the host and HA to restart on failure.",
  balloon:
    "The lowest memory target in MiB that the balloon driver may shrink the guest to, below `memory`; `0` removes the balloon device. Unset keeps the device but never shrinks the guest. Adding or removing the device needs a restart.",
  bios: "The firmware: `seabios` (legacy BIOS, PVE's default) or `ovmf` (UEFI). With `ovmf`, add an `efidisk0` so that EFI variables such as boot entries and Secure Boot keys survive restarts.",
  boot: "The boot order as `order`: devices separated by `;` (e.g. `scsi0;ide2;net0`); only listed devices are bootable. The `legacy` letter form is deprecated. When a VM is created without it, PVE derives an order from its devices.",
  bootdisk: "Deprecated: the disk to boot from (e.g. `scsi0`). Use `boot` with `order` instead.",
  bwlimit: `Limits the I/O bandwidth of a restore or import in KiB/s; \`0\` means no limit. Unset, the restore limit of the datacenter or storage configuration applies. ${CREATE_ONLY}`,
  cdrom:
    "Shorthand for slot 2 of `ide[n]` as a CD-ROM drive: an ISO volume (`local:iso/debian.iso`), `none` for an empty drive, or `cdrom` for the host's physical drive. Do not also set `ide[n]` slot 2.",
  cicustom:
    "Replaces cloud-init's generated files with your own snippet volumes: `user`, `network`, `meta` and `vendor` (e.g. `user=local:snippets/user.yaml`). Their storage must allow the `snippets` content type.",
  cipassword:
    "The cloud-init password of `ciuser`. PVE stores it hashed (except for Windows guests) and never returns it, showing asterisks instead, so a change made outside the program goes unnoticed. Prefer `sshkeys`.",
  citype:
    "The cloud-init data format: `nocloud`, `configdrive2` or `opennebula`. Unset, PVE picks by `ostype`: `nocloud` for Linux, `configdrive2` for Windows.",
  ciupgrade: "Whether cloud-init upgrades the guest's packages after the first boot. PVE's default: `true`.",
  ciuser: "The user whose SSH keys and password cloud-init sets, instead of the image's default user.",
  cores: "CPU cores per socket; the guest sees `sockets × cores` vCPUs. PVE's default: 1. A change takes effect at the next VM start.",
  cpu: "The emulated CPU model (`cputype`) and its options (`flags`, `hidden`, ...). Unset, PVE uses `kvm64`; `host` performs best but limits live migration to hosts with the same CPU. Takes effect at the next VM start.",
  cpulimit:
    "Caps the VM's CPU time in host CPUs (`1.5` = one and a half cores' worth), 0 to 128. PVE's default: `0`, no limit. A running VM takes the change live.",
  cpuunits:
    "The VM's CPU weight for the host scheduler, relative to other guests, 1 to 262144. PVE's default: 100 on cgroup v2 (1024 on cgroup v1); cgroup v2 clamps values to 10000. A running VM takes the change live.",
  description:
    "Free text of up to 8 KiB shown in the VM's Summary panel, which renders it as Markdown. PVE keeps it as a comment at the top of the VM's config file.",
  efidisk0:
    'The disk that holds OVMF\'s EFI variables, used with `bios: ovmf`. `file: "<storage>:1"` allocates it (the size is ignored: PVE copies its EFI vars template). Use `efitype: 4m` with `pre-enrolled-keys` for Secure Boot.',
  force:
    "On create with `archive`: lets the restore overwrite an existing VM with this id. On update, with a removal: destroys a removed disk's volume instead of parking it as `unused[n]`.",
  freeze: "Starts the VM with its CPUs paused, so that it runs only once resumed (the monitor's `c` command). Off when unset.",
  "ha-managed": `Adds the VM as an HA resource right after it is created; needs \`Sys.Console\` on \`/\`. PVE's default: \`false\`. ${CREATE_ONLY}`,
  hookscript: `A script volume (e.g. \`local:snippets/hook.pl\`) that PVE runs at the VM's pre-start, post-start, pre-stop and post-stop phases; it must be executable. ${ROOT_ONLY}`,
  "hostpci[n]":
    'PCI(e) passthrough, slots hostpci0..15: a map keyed by slot number of objects, e.g. `{ "0": { mapping: "gpu", pcie: true } }`. A `mapping` needs `Mapping.Use`; a raw `host` or `romfile` needs root@pam with a password login, never an API token.',
  hotplug:
    "Which changes a running VM takes live: a list of `network`, `disk`, `cpu`, `memory`, `usb`, `cloudinit`, or `0` for none. PVE's default: `network,disk,usb`. Other changes stay pending until the next VM start. `memory` needs `numa: true`.",
  hugepages: `Backs guest memory with host hugepages of this size in MiB: \`2\`, \`1024\`, or \`any\` (1 GiB where possible, else 2 MiB). Needs \`numa: true\` and free hugepages on the host. ${ROOT_ONLY}`,
  "ide[n]":
    'IDE drives, slots ide0..3 (ide2 is the usual CD-ROM): a map keyed by slot number of drive objects, e.g. `{ "0": { file: "local-lvm:32" } }`; `file: "<storage>:<GiB>"` allocates a new disk. IDE disks cannot be hotplugged.',
  "import-working-storage": `A file-based storage with the \`images\` content type where PVE extracts an archive (such as an OVA) for an \`import-from\` import; defaults to the source storage. ${CREATE_ONLY}`,
  "intel-tdx": `Intel Trust Domain Extensions: runs the VM as an encrypted trust domain (\`type=tdx\`, with attestation options). Needs a TDX-capable host and \`bios: ovmf\`. ${ROOT_ONLY}`,
  "ipconfig[n]":
    'Cloud-init addresses, slots ipconfig0..31, each for the `net[n]` of its slot: a map keyed by slot number, e.g. `{ "0": { ip: "10.0.0.5/24", gw: "10.0.0.1" } }`. `ip: "dhcp"` asks for DHCP; with no address at all, cloud-init uses DHCP for IPv4.',
  ivshmem: `Inter-VM shared memory: a host file of \`size\` MiB, named \`pve-shm-<name>\` (the VM id when \`name\` is unset), shared with other VMs or the host and removed when the VM stops. ${ROOT_ONLY}`,
  keephugepages: `Keeps the VM's hugepages allocated on the host after it stops, ready for the next start; use with \`hugepages\`. PVE's default: \`false\`. ${ROOT_ONLY}`,
  keyboard: "The keyboard layout of PVE's VNC server (e.g. `de`, `en-us`). Rarely needed: the guest OS usually handles the layout better. Unset by default.",
  kvm: "Runs the VM with KVM hardware virtualization. PVE's default: `true`; `false` falls back to slow software emulation, e.g. on a host without VT-x/AMD-V.",
  "live-restore": `With \`archive\`, starts the VM at once while the restore goes on in the background; only for backups on a Proxmox Backup Server. ${CREATE_ONLY}`,
  localtime: "Runs the guest's real-time clock in the host's local time instead of UTC. Unset, PVE enables it when `ostype` is a Windows version.",
  lock: `A lock (\`backup\`, \`migrate\`, \`snapshot\`, ...) that blocks other operations on the VM; PVE sets and clears its locks itself, so setting or clearing one by hand is for recovery only. ${ROOT_ONLY}`,
  machine:
    "The QEMU machine: `type` (`pc`, `q35`, a pinned version such as `pc-q35-9.2+pve1`, `virt` on ARM) and `viommu`, `aw-bits`, `enable-s3`, `enable-s4`. Unset means the newest `pc`. PVE pins the version of Windows guests when they are created.",
  memory:
    "The guest's RAM in MiB (`current`), at least 16. PVE's default: 512. With ballooning it is the maximum. A running VM takes a change live only with `memory` in `hotplug` (and `numa: true`), else at its next start.",
  migrate_downtime:
    "The longest pause in seconds tolerated at the end of a live migration. PVE's default: 0.1; when a migration cannot converge, PVE raises it step by step, up to 2000 s.",
  migrate_speed: "Caps the bandwidth of a live migration in MB/s. PVE's default: `0`, no limit.",
  name: "The VM's display name, a DNS name (letters, digits, hyphens and dots). Cloud-init also uses it as the guest's hostname. It need not be unique.",
  nameserver:
    "Cloud-init DNS servers of the guest, IP addresses separated by spaces. When neither this nor `searchdomain` is set, PVE passes on the host's DNS settings.",
  "net[n]":
    'Network devices, slots net0..31: a map keyed by slot number of objects, e.g. `{ "0": { model: "virtio", bridge: "vmbr0", tag: 20 } }`. PVE generates `macaddr` when it is left out. Adding, removing or remodelling one live needs `network` in `hotplug`.',
  node: "The cluster node that hosts the VM. A change migrates the VM there (online when it runs; see `migration`), never replaces it.",
  numa: "Gives the guest a NUMA topology (from `sockets`, or from `numa[n]`). PVE's default: `false`. Memory hotplug and `hugepages` require it.",
  "numa[n]":
    "Explicit guest NUMA nodes, slots numa0..7: a map keyed by slot number of objects with `cpus` (e.g. `0-3`), `memory` (MiB), `hostnodes` and `policy` (`preferred`, `bind`, `interleave`). Needs `numa: true`; rules out memory hotplug.",
  onboot: "Starts the VM when its node boots. PVE's default: `false`. The order and delays come from `startup`.",
  ostype:
    "The guest OS: `l26` (Linux 2.6 and later), `win11`, `win10`, ..., or `other` (PVE's default). PVE tunes devices and defaults to it, e.g. the clock (`localtime`), the cloud-init format and USB hotplug.",
  "parallel[n]": `Host parallel ports passed through, slots parallel0..2: a map keyed by slot number of device paths (\`/dev/parport0\` or \`/dev/usb/lp0\`). Such a VM cannot migrate. ${ROOT_ONLY}`,
  pool: "The resource pool the VM belongs to; `VM.Allocate` on the pool is then enough to create it. A change moves the VM to the new pool (or out of the old one) in place.",
  protection: "While `true`, PVE refuses to remove the VM or any of its disks. PVE's default: `false`.",
  reboot: "When `false`, a reboot from inside the guest powers the VM off instead. PVE's default: `true`.",
  rng0: "A VirtIO random number generator fed from a host `source` (`/dev/urandom` recommended; `/dev/hwrng` needs `Mapping.Use` on `/mapping/hwrng`), limited to `max_bytes` per `period` ms (PVE's defaults: 1024 per 1000).",
  "sata[n]":
    'SATA drives, slots sata0..5: a map keyed by slot number of drive objects, e.g. `{ "0": { file: "local-lvm:32", ssd: true } }`; `file: "<storage>:<GiB>"` allocates a new disk. SATA disks cannot be hotplugged.',
  "scsi[n]":
    'SCSI drives, slots scsi0..30, on the controller `scsihw` picks: a map keyed by slot number of drive objects, e.g. `{ "0": { file: "local-lvm:32", discard: "on" } }`; `file: "<storage>:<GiB>"` allocates a new disk. Live add/remove needs `disk` in `hotplug`.',
  scsihw:
    "The SCSI controller model. `virtio-scsi-single` (a controller per disk, needed for `iothread`) or `virtio-scsi-pci` suit most guests; PVE's default is `lsi`. A change takes effect at the next VM start.",
  searchdomain: "Cloud-init DNS search domains of the guest. When neither this nor `nameserver` is set, PVE passes on the host's DNS settings.",
  "serial[n]":
    "Serial ports, slots serial0..3: a map keyed by slot number; `socket` makes a host-side socket (for a console or `vga: serial0`), a path such as `/dev/ttyS0` passes a real device through, which blocks migration and needs root@pam with a password login, never an API token.",
  shares: "The VM's weight when auto-ballooning shares host memory among VMs, 0 to 50000. PVE's default: 1000; `0` turns auto-ballooning off for it.",
  smbios1:
    "SMBIOS type 1 fields the guest sees: `uuid`, `manufacturer`, `product`, `version`, `serial`, `sku`, `family` (`base64=1` when the values are base64). PVE generates a `uuid` when a VM is created without this.",
  smp: "Legacy total CPU count; use `sockets` and `cores` instead. PVE's default: 1.",
  sockets: "CPU sockets; the guest sees `sockets × cores` vCPUs. PVE's default: 1. A change takes effect at the next VM start.",
  spice_enhancements: `Extra SPICE features: \`foldersharing\` (needs the spice-webdav daemon in the guest) and \`videostreaming\` (\`off\`, PVE's default, \`all\` or \`filter\`). ${ROOT_ONLY}`,
  sshkeys:
    "Public SSH keys that cloud-init installs for `ciuser`, in OpenSSH format, one per line, as plain text: the provider percent-encodes it as PVE wants it, and PVE checks each key.",
  start: `Starts the VM once it is created; needs \`VM.PowerMgmt\`. PVE's default: \`false\`. ${CREATE_ONLY}`,
  startdate:
    "The date the guest's real-time clock starts at: `now` (PVE's default), `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS`. For guests that must see a fixed date.",
  startup:
    "Ordering for `onboot`: `order` (lower starts earlier and stops later), `up` (seconds to wait after starting it) and `down` (seconds to wait for its shutdown). Setting it needs `Sys.Modify` on `/`.",
  storage: `The default storage of this create: restored disks land there, and so do new disks given by size alone (\`file: "32"\`). ${CREATE_ONLY}`,
  tablet: "Adds a USB tablet so that the VNC pointer follows the mouse exactly. PVE's default: `true`; turning it off saves host CPU for console-only guests.",
  tags: "Labels of the VM for sorting and filtering in the GUI; they do not change its behaviour. Who may set which tags follows the datacenter's tag settings.",
  tdf: "Enables QEMU's time drift fix for guests whose clock falls behind (mostly old Windows). PVE's default: `false`.",
  template:
    "Makes the VM a template: it is stopped and converted (its disks become base volumes, which linked clones share) and cannot run. One way only: turning it off replaces the template with a new VM.",
  tpmstate0:
    'The disk that holds a virtual TPM\'s state. `file: "<storage>:1"` allocates it (the size is ignored: PVE uses 4 MiB). Choose `version: "v2.0"` (Windows 11 needs it); the version cannot change later.',
  unique: `With \`archive\`, gives the restored VM's network devices new random MAC addresses. ${CREATE_ONLY}`,
  "unused[n]":
    'Volumes PVE parks when a disk is detached but not destroyed, slots unused0..255: a map keyed by slot number of `{ file: "<volume id>" }`. Put the volume into a disk slot to attach it again; removing the entry destroys the volume.',
  "usb[n]":
    'USB devices, slots usb0..4 (up to usb14 with machine 7.1+ and `ostype` l26 or Windows 8+): a map keyed by slot number, e.g. `{ "0": { mapping: "key" } }`. A `mapping` needs `Mapping.Use`; a host device needs root@pam with a password login, never an API token.',
  vcpus: "How many of the `sockets × cores` vCPUs are plugged in; unset means all. A running VM takes a change live only with `cpu` in `hotplug`.",
  vga: "The display adapter: `type` (`std`, PVE's default; `qxl` for SPICE; `virtio`; `serial0`..`serial3` for a serial console; `none`), `memory` in MiB (4 to 512) and `clipboard: vnc`.",
  "virtio[n]":
    'VirtIO block drives, slots virtio0..15: a map keyed by slot number of drive objects, e.g. `{ "0": { file: "local-lvm:32", iothread: true } }`; `file: "<storage>:<GiB>"` allocates a new disk. The guest needs VirtIO drivers.',
  "virtiofs[n]":
    'Host directories shared with the guest over virtiofs, slots virtiofs0..9: a map keyed by slot number, e.g. `{ "0": { dirid: "shared" } }`, where `dirid` names a cluster directory mapping (needs `Mapping.Use`). The guest needs virtiofs support.',
  vmgenid: `The VM generation ID, a UUID that tells the guest it was cloned or rolled back (Windows domain controllers rely on it). PVE's default: \`1\`, a generated UUID; \`0\` turns it off. ${ROOT_ONLY}`,
  vmid: "The VM's numeric id, 100 to 999999999, unique in the cluster; it cannot change. Left out, the cluster's next free id is taken (and kept in state), without races between parallel creates.",
  vmstatestorage:
    "The storage for the VM's saved RAM state (snapshots with RAM, hibernation). Unset, PVE prefers a shared storage the VM's disks use, then a local one, then `local`.",
  watchdog:
    "A virtual hardware watchdog: `model` (`i6300esb`, PVE's default, or `ib700`) and the `action` when the guest stops feeding it (`reset`, `shutdown`, `poweroff`, `pause`, `debug`, `none`). A daemon in the guest must arm and feed it.",
};

/** The sub-keys every drive family (`ide`, `sata`, `scsi`, `virtio`) has: qemu-server's `%drivedesc_base`. */
const DRIVE_BASE: Readonly<Record<string, string>> = {
  file: 'The backing volume: a volume id (`local-lvm:vm-100-disk-0`), `"<storage>:<GiB>"` to allocate a new disk, `"<storage>:0"` with `import-from` to import one, `"<storage>:cloudinit"` for a cloud-init drive, `none` for an empty CD-ROM, or a host device path (root only).',
  size: "The size PVE records (e.g. `32G`). PVE treats it as information only: a disk grows by a resize, and PVE never shrinks one.",
  format: "The image format on file-based storages: `raw`, `qcow2`, `vmdk`, ... Unset, the storage's default.",
  "import-from":
    "A source volume id or an absolute path (root only) whose content a new disk is created from, with `file` set to `<storage>:0`. Only acts when the disk is allocated.",
  media: "`disk` (PVE's default) or `cdrom`.",
  cache:
    "The host cache mode: `none` (no host cache when unset), `writethrough`, `writeback`, `directsync` or `unsafe`. `writeback` and `unsafe` can lose data on a host crash.",
  discard: "`on` passes the guest's TRIM/discard requests to the storage, freeing space on thin storages; `ignore` (the default) drops them.",
  detect_zeroes: "Detects writes of zeroes and turns them into cheaper zero writes (unmapping when `discard` is on). On when unset.",
  aio: "The asynchronous I/O backend: `io_uring`, `native` or `threads`. Unset, PVE uses `io_uring` where the storage allows it, else `native` with direct I/O, else `threads`.",
  backup: "Whether backups include the drive. Included when unset.",
  replicate: "Whether storage replication jobs include the drive. PVE's default: `true`.",
  shared:
    "Declares a locally configured volume as reachable from all nodes, for migration. PVE does not share it: it must already be shared. PVE's default: `false`.",
  snapshot: "QEMU's snapshot mode: writes go to a temporary layer that is dropped when the VM stops.",
  serial: "The serial number the guest sees, up to 20 bytes, percent-encoded.",
  rerror: "What a read error does: `report` it to the guest, `ignore` it, or `stop` the VM.",
  werror: "What a write error does: `report`, `ignore`, `stop` the VM, or `enospc` (stop only when the storage is full).",
  bps: "Throughput limit for reads and writes together, in bytes per second.",
  bps_rd: "Read throughput limit, in bytes per second.",
  bps_wr: "Write throughput limit, in bytes per second.",
  bps_max_length: "How long, in seconds, a read/write burst may exceed `bps`.",
  bps_rd_max_length: "How long, in seconds, a read burst may exceed `bps_rd`.",
  bps_wr_max_length: "How long, in seconds, a write burst may exceed `bps_wr`.",
  mbps: "Throughput limit for reads and writes together, in MB per second.",
  mbps_rd: "Read throughput limit, in MB per second.",
  mbps_wr: "Write throughput limit, in MB per second.",
  mbps_max: "Burst throughput for reads and writes together, in MB per second, before `mbps` throttles.",
  mbps_rd_max: "Burst read throughput, in MB per second, before `mbps_rd` throttles.",
  mbps_wr_max: "Burst write throughput, in MB per second, before `mbps_wr` throttles.",
  iops: "Limit of read and write operations together, per second.",
  iops_rd: "Limit of read operations per second.",
  iops_wr: "Limit of write operations per second.",
  iops_max: "Burst of read and write operations per second before `iops` throttles.",
  iops_rd_max: "Burst of read operations per second before `iops_rd` throttles.",
  iops_wr_max: "Burst of write operations per second before `iops_wr` throttles.",
  iops_max_length: "How long, in seconds, an operations burst may exceed `iops`.",
  iops_rd_max_length: "How long, in seconds, a read operations burst may exceed `iops_rd`.",
  iops_wr_max_length: "How long, in seconds, a write operations burst may exceed `iops_wr`.",
};

/** `ssd`, for the families that can show a disk as non-rotational. */
const SSD = "Shows the disk to the guest as an SSD instead of a spinning disk.";
/** `wwn`, for the families that report a worldwide name. */
const WWN = "The worldwide name the guest sees: `0x` and 16 hex digits.";
/** `iothread`, for the families that can run a drive in its own I/O thread. */
const IOTHREAD = "Runs the drive's I/O in a thread of its own, off the main loop.";
/** `ro`, for the families that can attach a drive read-only. */
const RO = "Attaches the drive read-only.";

/** Docs of the property-string sub-keys users touch most, by PVE parameter name and then sub-key name. */
export const VIRTUAL_MACHINE_SUBKEY_DOCS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "scsi[n]": {
    ...DRIVE_BASE,
    ssd: SSD,
    wwn: WWN,
    iothread: `${IOTHREAD} On SCSI it needs \`scsihw: virtio-scsi-single\`.`,
    ro: RO,
    queues: "The number of virtqueues of the drive, at least 2.",
    product: "The product name the guest sees, up to 16 characters.",
    vendor: "The vendor name the guest sees, up to 8 characters.",
    scsiblock:
      "Passes a host block device through as a full SCSI device (`scsi-block`). Can cause I/O errors when host memory is low or fragmented. PVE's default: `false`.",
  },
  "virtio[n]": { ...DRIVE_BASE, iothread: IOTHREAD, ro: RO },
  "sata[n]": { ...DRIVE_BASE, ssd: SSD, wwn: WWN },
  "ide[n]": { ...DRIVE_BASE, ssd: SSD, wwn: WWN, model: "The model name the guest sees, up to 40 bytes, percent-encoded." },
  "net[n]": {
    model: "The emulated NIC: `virtio` (fastest, needs guest drivers), `e1000`/`e1000e` (broadly supported), `vmxnet3`, `rtl8139`, ...",
    bridge: "The bridge the device attaches to (e.g. `vmbr0`, or an SDN VNet). Without a bridge, QEMU's user-mode NAT network is used.",
    macaddr: "The MAC address; must be unique in the network. PVE generates one when it is left out.",
    tag: "The VLAN tag (1 to 4094) applied to the device's traffic.",
    trunks: "VLANs passed through to the guest, separated by `;` (ranges `10-20` allowed).",
    firewall: "Whether PVE's firewall filters this device's traffic.",
    link_down: "Disconnects the device, like pulling its cable.",
    mtu: "The MTU (VirtIO only); `1` takes the bridge's MTU.",
    queues: "Number of packet queues (0 to 64); more queues spread network load across vCPUs (VirtIO multiqueue).",
    rate: "Bandwidth limit in MB per second (decimals allowed).",
  },
  "ipconfig[n]": {
    ip: "The IPv4 address in CIDR form (`10.0.0.5/24`), or `dhcp`.",
    gw: "The IPv4 default gateway; needs a static `ip`.",
    ip6: "The IPv6 address in CIDR form, `dhcp`, or `auto` for stateless autoconfiguration (cloud-init 19.4+).",
    gw6: "The IPv6 default gateway; needs a static `ip6`.",
  },
  agent: {
    enabled: "Turns the guest agent channel on. PVE's default: `false`.",
    "freeze-fs": "Whether backups freeze the guest's filesystems through the agent for a consistent state. PVE's default: `true`.",
    fstrim_cloned_disks: "Runs fstrim in the guest after a disk is moved or the VM migrated. PVE's default: `false`.",
    type: "The agent's transport: `virtio` (PVE's default) or `isa`.",
  },
  efidisk0: {
    file: 'The backing volume; `"<storage>:1"` allocates a new one (the size is ignored).',
    size: "The size PVE records; information only.",
    format: "The image format on file-based storages (`raw`, `qcow2`, ...).",
    "import-from": "A source volume or absolute path whose EFI variables the new disk is created from.",
    efitype: "The size and kind of the EFI vars store: `2m` (PVE's default, for compatibility) or `4m`, which Secure Boot needs.",
    "pre-enrolled-keys":
      "Starts from EFI vars with distribution and Microsoft keys enrolled (with `efitype: 4m`), which turns Secure Boot on. PVE's default: `false`.",
    "ms-cert": "Marks which Microsoft UEFI certificates PVE has enrolled (`2011`, PVE's default, or `2023k`; `2023` and `2023w` are deprecated).",
  },
  tpmstate0: {
    file: 'The backing volume; `"<storage>:1"` allocates a new one (PVE uses 4 MiB whatever the size).',
    size: "The size PVE records; information only.",
    format: "The image format: `raw`, `qcow2` or `vmdk`.",
    "import-from": "A source volume or absolute path whose TPM state the new disk is created from.",
    version: "The TPM interface version: `v1.2` (PVE's default) or `v2.0` (preferred). It cannot change later.",
  },
  "hostpci[n]": {
    host: "The host PCI address (`0000:01:00.0`, or `01:00` for all functions), or several joined by `;`. Root only; either this or `mapping`.",
    mapping: "The id of a cluster PCI resource mapping; needs `Mapping.Use` on it. Either this or `host`.",
    pcie: "Attaches the device to a PCIe port instead of PCI; needs a `q35` machine. PVE's default: `false`.",
    "x-vga": "Makes the device the guest's primary GPU (vfio-vga). PVE's default: `false`.",
    rombar: "Whether the guest sees the device's option ROM. PVE's default: `true`.",
    romfile: "A custom ROM file, relative to `/usr/share/kvm/`. Root only.",
    "legacy-igd": "Passes an Intel iGPU in legacy mode as the only display; needs an i440fx machine and `vga: none`. PVE's default: `false`.",
    mdev: "The mediated device type (vGPU) to create for the VM on start and remove on stop.",
    "vendor-id": "Overrides the vendor id the guest sees (`0x` and 4 hex digits).",
    "device-id": "Overrides the device id the guest sees (`0x` and 4 hex digits).",
    "sub-vendor-id": "Overrides the subsystem vendor id the guest sees.",
    "sub-device-id": "Overrides the subsystem device id the guest sees.",
    driver: "`vfio` (PVE's default) rebinds the device to vfio-pci; `keep` leaves its current driver and skips the reset.",
  },
  "usb[n]": {
    host: "A host device (`vendor:product` in hex, or `bus-port` such as `1-2.3`), or `spice` for SPICE redirection. A real device is root only and blocks migration.",
    mapping: "The id of a cluster USB resource mapping; needs `Mapping.Use` on it. Either this or `host`.",
    usb3: "Plugs a `host` device into a USB 3 controller; irrelevant for machine 7.1+ with a modern `ostype`, where all devices use xHCI. PVE's default: `false`.",
  },
  boot: {
    order: "The devices to boot from, in order, separated by `;` (e.g. `scsi0;ide2;net0`). Only listed devices are bootable; NICs boot over PXE.",
    legacy: "Deprecated letters for floppy, disk, CD-ROM and network (`a`, `c`, `d`, `n`); PVE's fallback is `cdn`. Use `order`.",
  },
  cpu: {
    cputype: "The CPU model: a QEMU model (`x86-64-v2-AES`, `host`, ...) or `custom-<name>` for a cluster CPU model. PVE's default: `kvm64`.",
    flags: "CPU flags to add (`+flag`) or remove (`-flag`), separated by `;`; VMs may use only a set PVE allows, e.g. `+aes`, `+pcid`, `+nested-virt`.",
    hidden: "Hides from the guest that it runs under KVM (x86-64 only). PVE's default: `false`.",
    "hv-vendor-id": "The Hyper-V vendor id reported to Windows guests, up to 12 letters and digits.",
    "reported-model": "For custom CPU models only: the model the guest is told it runs on. PVE's default: `kvm64`.",
    "phys-bits": "The physical address bits reported to the guest (8 to 64), or `host`, which ties live migration to hosts with the same value.",
    "guest-phys-bits": "The physical address bits the guest may use (32 to 64).",
    level: "The highest basic CPUID leaf the guest may query (x86-64 only); `30` works around Hyper-V boot failures of Windows on recent Intel hosts.",
  },
  startup: {
    order: "Position in the start sequence: lower numbers start earlier and shut down later.",
    up: "Seconds to wait after starting this VM before starting the next one.",
    down: "Seconds to wait for this VM's shutdown before stopping it.",
  },
  memory: { current: "The guest's RAM in MiB, at least 16. PVE's default: 512. With ballooning it is the maximum." },
  machine: {
    type: "The machine type: `pc` (i440fx, PVE's default), `q35`, a pinned version such as `pc-q35-9.2+pve1`, or `virt` on ARM.",
    viommu: "Adds a virtual IOMMU: `intel` (needs `q35`) or `virtio`.",
    "aw-bits": "The address width of the virtual IOMMU in bits (32 to 64).",
    "enable-s3": "Offers the guest suspend to RAM (S3).",
    "enable-s4": "Offers the guest suspend to disk (S4).",
  },
  vga: {
    type: "The adapter: `std` (PVE's default), `qxl`..`qxl4` (SPICE, the digit = displays), `virtio`, `virtio-gl`, `vmware`, `cirrus`, `serial0`..`serial3`, or `none`.",
    memory: "The video memory in MiB, 4 to 512; high resolutions may need more. No effect with a serial display.",
    clipboard: "`vnc` enables the clipboard over VNC. Unset, SPICE displays get the SPICE clipboard.",
  },
  "numa[n]": {
    cpus: "The guest vCPUs of this node, as ids and ranges joined by `;` (e.g. `0-3`).",
    memory: "The memory of this node in MiB.",
    hostnodes: "The host NUMA nodes to allocate from, as ids and ranges joined by `;`.",
    policy: "How memory is allocated on `hostnodes`: `preferred`, `bind` or `interleave`.",
  },
  "virtiofs[n]": {
    dirid: "The id of the cluster directory mapping to share; also the mount tag inside the guest.",
    cache: "The caching policy: `auto` (PVE's default), `always`, `metadata` or `never`.",
    "direct-io": "Honours the O_DIRECT flag of guest applications. PVE's default: `false`.",
    "expose-xattr": "Supports extended attributes on the share. PVE's default: `false`.",
    "expose-acl": "Supports POSIX ACLs on the share (implies `expose-xattr`). PVE's default: `false`.",
  },
  rng0: {
    source: "The host entropy source: `/dev/urandom` (recommended), `/dev/random` or `/dev/hwrng` (needs `Mapping.Use` on `/mapping/hwrng`).",
    max_bytes: "The most bytes of entropy given to the guest per `period`; `0` means no limit. PVE's default: 1024.",
    period: "The length of a `max_bytes` period in milliseconds. PVE's default: 1000.",
  },
  watchdog: {
    model: "The emulated watchdog: `i6300esb` (PVE's default) or `ib700`.",
    action: "What happens when the guest stops feeding the watchdog: `reset`, `shutdown`, `poweroff`, `pause`, `debug` or `none`.",
  },
  cicustom: {
    user: "A snippet volume with the user data (e.g. `local:snippets/user.yaml`).",
    network: "A snippet volume with the network configuration.",
    meta: "A snippet volume with the meta data; its form differs between `nocloud` and `configdrive2`.",
    vendor: "A snippet volume with the vendor data.",
  },
  audio0: {
    device: "The emulated sound card: `ich9-intel-hda`, `intel-hda` or `AC97`.",
    driver: "The backend: `spice` (PVE's default) or `none`.",
  },
};
