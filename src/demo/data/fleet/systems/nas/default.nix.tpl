# nas: the box in the closet. ZFS pool "tank", backups for everyone, media.
{ config, lib, pkgs, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "nas";
  networking.hostId = "8425e349"; # required by ZFS

  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;
  # ZFS lags behind mainline: stay on the 6.6 LTS until the 25.11 move.
  boot.kernelPackages = pkgs.linuxPackages_6_6;
  boot.kernelParams = [ "zfs.zfs_arc_max=8589934592" ];
  boot.supportedFilesystems = [ "zfs" ];
  boot.zfs.extraPools = [ "tank" ];
  services.zfs.autoScrub.enable = true;
  services.zfs.autoSnapshot.enable = true;
  services.smartd.enable = true;

  services.restic.server = {
    enable = true;
    dataDir = "/srv/restic";
    extraFlags = [ "--no-auth" ];
  };
  networking.firewall.interfaces.tailscale0.allowedTCPPorts = [ 8000 ];

  services.samba = {
    enable = true;
    openFirewall = true;
    settings.media = {
      path = "/srv/media";
      "read only" = "yes";
      "guest ok" = "yes";
    };
  };
  services.jellyfin = {
    enable = true;
    openFirewall = true;
  };
  services.syncthing = {
    enable = true;
    dataDir = "/srv/sync";
  };
  services.prometheus.exporters.node.enable = true;

  system.stateVersion = "23.05";
}
