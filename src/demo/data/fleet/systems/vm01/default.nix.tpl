# vm01: scratch VM on hq's libvirt, for restore drills and trying services before nas.
{ config, lib, pkgs, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "vm01";

  boot.loader.grub.enable = true;
  boot.loader.grub.device = "/dev/vda";
  boot.kernelParams = [ "console=ttyS0" ];

  services.qemuGuest.enable = true;

  services.nginx = {
    enable = true;
    virtualHosts."vm01.home.arpa".root = "/srv/www";
  };
  services.postgresql = {
    enable = true;
    ensureDatabases = [ "immich" ];
  };
  environment.systemPackages = [ pkgs.restic ];

  networking.firewall.allowedTCPPorts = [ 80 ];

  system.stateVersion = "24.11";
}
