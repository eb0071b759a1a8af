# t460: the old ThinkPad. Sway, long battery life, goes to conferences.
{ config, lib, pkgs, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "t460";
  networking.networkmanager.enable = true;

  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;

  programs.sway.enable = true;
  services.greetd = {
    enable = true;
    settings.default_session.command = "${pkgs.greetd.tuigreet}/bin/tuigreet --cmd sway";
  };
  services.pipewire = {
    enable = true;
    pulse.enable = true;
  };

  services.tlp.enable = true;
  services.thermald.enable = true;
  services.fprintd.enable = true;
  services.fwupd.enable = true;
  hardware.bluetooth.enable = true;

  system.stateVersion = "22.11";
}
