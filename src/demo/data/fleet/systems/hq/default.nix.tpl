# hq: the desktop under the desk. Builds for the others and hosts vm01 under libvirt.
{ config, lib, pkgs, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "hq";
  networking.networkmanager.enable = true;

  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;
  boot.kernelPackages = pkgs.linuxPackages_latest;
  boot.kernelParams = [ "amd_pstate=active" ];

  services.xserver.videoDrivers = [ "amdgpu" ];
  services.displayManager.sddm.enable = true;
  services.desktopManager.plasma6.enable = true;
  services.pipewire = {
    enable = true;
    alsa.enable = true;
    pulse.enable = true;
  };
  hardware.bluetooth.enable = true;
  services.fwupd.enable = true;

  virtualisation.libvirtd.enable = true;
  virtualisation.podman.enable = true;
  users.users.alice.extraGroups = [ "libvirtd" ];

  services.syncthing = {
    enable = true;
    user = "alice";
    dataDir = "/home/alice";
  };

  # Chosen from the systemd-boot menu.
  specialisation.gaming.configuration = {
    programs.steam.enable = true;
    programs.gamemode.enable = true;
    hardware.graphics.enable32Bit = true;
    powerManagement.cpuFreqGovernor = "performance";
  };

  system.stateVersion = "23.11";
}
