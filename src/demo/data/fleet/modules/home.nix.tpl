# home-manager for alice on the machines with a screen.
{ ... }:

{
  home-manager.useGlobalPkgs = true;
  home-manager.useUserPackages = true;
  home-manager.users.alice = { pkgs, ... }: {
    home.stateVersion = "24.05";
    home.packages = with pkgs; [ ripgrep fd jq btop nixd ];
    programs.git = {
      enable = true;
      userName = "Alice";
      userEmail = "alice@example.org";
    };
    programs.direnv = {
      enable = true;
      nix-direnv.enable = true;
    };
  };
}
