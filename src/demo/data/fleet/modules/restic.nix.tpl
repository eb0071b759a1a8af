# Nightly backup of /home to the restic REST server on nas (reached over Tailscale).
{ config, ... }:

{
  services.restic.backups.home = {
    repository = "rest:http://nas:8000/${config.networking.hostName}";
    passwordFile = "/etc/nixos/secrets/restic-password";
    paths = [ "/home" ];
    exclude = [ "/home/*/.cache" "/home/*/Downloads" ];
    timerConfig = {
      OnCalendar = "daily";
      Persistent = true;
    };
    pruneOpts = [ "--keep-daily 7" "--keep-weekly 5" "--keep-monthly 12" ];
  };
}
