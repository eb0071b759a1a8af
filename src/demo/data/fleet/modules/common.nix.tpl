# Settings every machine in the fleet shares.
{ config, lib, pkgs, ... }:

{
  nix.settings = {
    experimental-features = [ "nix-command" "flakes" ];
    trusted-users = [ "root" "@wheel" ];
  };
  nix.optimise.automatic = true;

  time.timeZone = "Europe/Berlin";
  i18n.defaultLocale = "en_US.UTF-8";

  users.users.alice = {
    isNormalUser = true;
    description = "Alice";
    extraGroups = [ "wheel" "networkmanager" ];
    shell = pkgs.zsh;
    openssh.authorizedKeys.keys = [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx1kV0ZmxlZXQtZGVtby1rZXktbm90LXJlYWwAAAAA alice@hq"
    ];
  };
  # Deploys run as root from hq: nixos-rebuild --target-host root@<host>
  users.users.root.openssh.authorizedKeys.keys = config.users.users.alice.openssh.authorizedKeys.keys;
  programs.zsh.enable = true;

  services.openssh = {
    enable = true;
    settings.PasswordAuthentication = false;
    settings.PermitRootLogin = "prohibit-password";
  };
  services.tailscale.enable = true;

  environment.systemPackages = with pkgs; [ git vim htop curl rsync ];
}
