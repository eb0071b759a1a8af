# x1carbon: the daily laptop. GNOME, fingerprint reader, a battery-saver boot entry.
{ config, lib, pkgs, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "x1carbon";
  networking.networkmanager.enable = true;

  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;
  boot.kernelPackages = pkgs.linuxPackages_latest;
  boot.kernelParams = [ "i915.enable_psr=1" ];

  services.displayManager.gdm.enable = true;
  services.desktopManager.gnome.enable = true;
  services.power-profiles-daemon.enable = true;
  services.fprintd.enable = true;
  services.fwupd.enable = true;
  hardware.bluetooth.enable = true;
  zramSwap.enable = true;

  # Picked in the boot menu before a long train ride.
  specialisation.battery-saver.configuration = {
    services.power-profiles-daemon.enable = lib.mkForce false;
    services.tlp = {
      enable = true;
      settings = {
        CPU_ENERGY_PERF_POLICY_ON_BAT = "power";
        START_CHARGE_THRESH_BAT0 = 40;
        STOP_CHARGE_THRESH_BAT0 = 80;
      };
    };
    boot.kernelParams = [ "pcie_aspm.policy=powersupersave" ];
  };

  system.stateVersion = "24.05";
}
