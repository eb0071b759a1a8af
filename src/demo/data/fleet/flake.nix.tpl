{
  description = "Home fleet: hq, t460, x1carbon, vm01 and nas";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-{{release}}";
    nixpkgs-unstable.url = "github:NixOS/nixpkgs/nixos-unstable";
    # nas stays on 25.05 until ZFS is tested on the 6.12 kernel (see PROJECT.md).
    nixpkgs-2505.url = "github:NixOS/nixpkgs/nixos-25.05";
    home-manager = {
      url = "github:nix-community/home-manager/release-{{release}}";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    nixos-hardware.url = "github:NixOS/nixos-hardware";
    sops-nix.url = "github:Mic92/sops-nix";
    dotfiles = {
      url = "path:/home/alice/src/dotfiles";
      flake = false;
    };
  };

  outputs = { self, nixpkgs, nixpkgs-2505, home-manager, ... }@inputs:
    let
      mkHost = pkgs: modules: pkgs.lib.nixosSystem {
        system = "x86_64-linux";
        specialArgs = { inherit inputs; };
        modules = [
          ./modules/common.nix
          { system.configurationRevision = self.rev or self.dirtyRev or null; }
        ] ++ modules;
      };
      desktop = [
        home-manager.nixosModules.home-manager
        inputs.sops-nix.nixosModules.sops
        ./modules/home.nix
        ./modules/restic.nix
      ];
    in
    {
      nixosConfigurations = {
        hq = mkHost nixpkgs ([ ./systems/hq ] ++ desktop);
        t460 = mkHost nixpkgs ([ ./systems/t460 inputs.nixos-hardware.nixosModules.lenovo-thinkpad-t460 ] ++ desktop);
        x1carbon = mkHost nixpkgs ([ ./systems/x1carbon inputs.nixos-hardware.nixosModules.lenovo-thinkpad-x1-9th-gen ] ++ desktop);
        vm01 = mkHost nixpkgs [ ./systems/vm01 ];
        nas = mkHost nixpkgs-2505 [ ./systems/nas ];
      };

      formatter.x86_64-linux = nixpkgs.legacyPackages.x86_64-linux.nixfmt-rfc-style;
    };
}
