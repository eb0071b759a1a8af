// The demo fleet's hosts: their history, kernels and hardware, and the NixOS releases and
// kernels they follow over time.

export type KernelTrack = 'latest' | 'default' | 'lts-6.6';

export interface HostSpec {
  name: string;
  generations: number;
  firstNumber: number;
  /** numbers removed mid-history with `nix-env --delete-generations` */
  deleted: number[];
  /** date of the first generation still on disk */
  since: string;
  /** the newest generation is this many hours before `now` */
  lastBuiltHoursAgo: number;
  kernelTrack: KernelTrack;
  /** index into RELEASES of the newest release this host follows (nas is pinned) */
  maxRelease?: number;
  kernelParams: string[];
  /** a specialisation present on the host's newest `generations` generations */
  specialisation?: { name: string; generations: number; extraParams: string[] };
}

export const LOCAL_HOST = 'hq';

export const HOSTS: HostSpec[] = [
  {
    name: 'hq', generations: 58, firstNumber: 231, deleted: [244, 245, 268],
    since: '2024-06-03T19:12:40Z', lastBuiltHoursAgo: 2, kernelTrack: 'latest',
    kernelParams: ['amd_pstate=active'],
    specialisation: { name: 'gaming', generations: 14, extraParams: [] },
  },
  {
    name: 't460', generations: 34, firstNumber: 61, deleted: [70],
    since: '2024-06-09T08:40:11Z', lastBuiltHoursAgo: 70, kernelTrack: 'default',
    kernelParams: [],
  },
  {
    name: 'x1carbon', generations: 21, firstNumber: 1, deleted: [],
    since: '2024-09-21T14:03:52Z', lastBuiltHoursAgo: 26, kernelTrack: 'latest',
    kernelParams: ['i915.enable_psr=1'],
    specialisation: {
      name: 'battery-saver', generations: 4, extraParams: ['pcie_aspm.policy=powersupersave'],
    },
  },
  {
    name: 'vm01', generations: 12, firstNumber: 3, deleted: [9],
    since: '2025-02-15T10:27:05Z', lastBuiltHoursAgo: 5, kernelTrack: 'default',
    kernelParams: ['console=ttyS0'],
  },
  {
    name: 'nas', generations: 45, firstNumber: 112, deleted: [130, 131, 132],
    since: '2024-06-05T21:55:30Z', lastBuiltHoursAgo: 215, kernelTrack: 'lts-6.6',
    maxRelease: 2, kernelParams: ['zfs.zfs_arc_max=8589934592'],
  },
];

/** NixOS releases and when the fleet's flake moved to each (the `nixpkgs` input's ref). */
export const RELEASES = [
  { release: '24.05', codename: 'Uakari', fleetFrom: '2024-01-01', supportEnd: '2024-12-31' },
  { release: '24.11', codename: 'Vicuña', fleetFrom: '2024-12-14', supportEnd: '2025-06-30' },
  { release: '25.05', codename: 'Warbler', fleetFrom: '2025-06-07', supportEnd: '2025-12-31' },
  { release: '25.11', codename: 'Xantusia', fleetFrom: '2025-12-13', supportEnd: '2026-06-30' },
] as const;

export type Release = (typeof RELEASES)[number];

/** Release date of each kernel series' x.y.0, for estimating the point release at a date. */
export const KERNEL_SERIES: Record<string, string> = {
  '6.6': '2023-10-30', '6.9': '2024-05-12', '6.10': '2024-07-14', '6.11': '2024-09-15',
  '6.12': '2024-11-17', '6.15': '2025-05-25', '6.17': '2025-09-28', '6.18': '2025-11-30',
};
export const KERNEL_POINT_RELEASES_PER_MONTH = 4.5;

/** `linuxPackages_latest` as nixpkgs shipped it over time. */
export const LATEST_KERNEL = [
  { from: '2024-01-01', series: '6.9' },
  { from: '2024-07-25', series: '6.10' },
  { from: '2024-09-28', series: '6.11' },
  { from: '2024-12-05', series: '6.12' },
  { from: '2025-06-05', series: '6.15' },
  { from: '2025-10-10', series: '6.17' },
  { from: '2026-01-05', series: '6.18' },
];

/** the default `linuxPackages` per release */
export const DEFAULT_KERNEL: Record<string, string> = {
  '24.05': '6.6', '24.11': '6.6', '25.05': '6.12', '25.11': '6.12',
};

export interface HardwareSpec {
  vm?: boolean;
  cpu?: 'amd' | 'intel';
  initrdModules: string[];
  kernelModules: string[];
  /** [mount point, fsType, ZFS dataset] */
  fileSystems: [string, string, string?][];
  luksRoot?: boolean;
  interfaces: string[];
}

export const HARDWARE: Record<string, HardwareSpec> = {
  hq: {
    cpu: 'amd',
    initrdModules: ['nvme', 'xhci_pci', 'ahci', 'usbhid', 'usb_storage', 'sd_mod'],
    kernelModules: ['kvm-amd'],
    fileSystems: [['/', 'ext4'], ['/boot', 'vfat'], ['/home', 'ext4']],
    interfaces: ['enp5s0', 'wlp4s0'],
  },
  t460: {
    cpu: 'intel',
    initrdModules: ['xhci_pci', 'ahci', 'usb_storage', 'sd_mod', 'rtsx_pci_sdmmc'],
    kernelModules: ['kvm-intel'],
    fileSystems: [['/', 'ext4'], ['/boot', 'vfat']],
    interfaces: ['enp0s31f6', 'wlp4s0'],
  },
  x1carbon: {
    cpu: 'intel',
    initrdModules: ['xhci_pci', 'thunderbolt', 'nvme', 'usb_storage', 'sd_mod'],
    kernelModules: ['kvm-intel'],
    fileSystems: [['/', 'ext4'], ['/boot', 'vfat']],
    luksRoot: true,
    interfaces: ['wlp0s20f3'],
  },
  vm01: {
    vm: true,
    initrdModules: ['ahci', 'xhci_pci', 'virtio_pci', 'sr_mod', 'virtio_blk'],
    kernelModules: [],
    fileSystems: [['/', 'ext4']],
    interfaces: ['enp1s0'],
  },
  nas: {
    cpu: 'intel',
    initrdModules: ['xhci_pci', 'ahci', 'usbhid', 'usb_storage', 'sd_mod'],
    kernelModules: ['kvm-intel'],
    fileSystems: [
      ['/', 'zfs', 'rpool/root'], ['/nix', 'zfs', 'rpool/nix'], ['/home', 'zfs', 'rpool/home'],
      ['/srv', 'zfs', 'tank/srv'], ['/boot', 'vfat'],
    ],
    interfaces: ['enp2s0'],
  },
};
