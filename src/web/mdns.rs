//! Telling the LAN where the hub is: an mDNS announcement of `_encore._tcp` (phones and
//! scripts that browse for it find the address), and the LAN address the QR codes carry where
//! mDNS does not reach (client isolation, several network cards).

use std::net::IpAddr;

use mdns_sd::{ServiceDaemon, ServiceInfo};

/// The service type Encore hubs announce.
pub const SERVICE: &str = "_encore._tcp.local.";

/// The hub's announcement; dropping it withdraws it.
pub struct Announcement {
    daemon: ServiceDaemon,
    fullname: String,
}

/// Announces a hub on `port`; None when this machine cannot multicast (no LAN, no
/// permission) — the kiosk's QR works without it.
pub fn announce(port: u16) -> Option<Announcement> {
    let daemon = ServiceDaemon::new().ok()?;
    let host = hostname();
    let instance = format!("Encore hub on {host}");
    let info = ServiceInfo::new(
        SERVICE,
        &instance,
        &format!("{host}.local."),
        "",
        port,
        &[("path", "/")][..],
    )
    .ok()?
    .enable_addr_auto();
    let fullname = info.get_fullname().to_string();
    daemon.register(info).ok()?;
    Some(Announcement { daemon, fullname })
}

impl Drop for Announcement {
    fn drop(&mut self) {
        let _ = self.daemon.unregister(&self.fullname);
        let _ = self.daemon.shutdown();
    }
}

/// This computer's name as the LAN knows it (letters, digits and dashes).
fn hostname() -> String {
    let raw = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .unwrap_or_default();
    let name: String = raw
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    if name.is_empty() {
        "encore".into()
    } else {
        name
    }
}

/// The first private IPv4 address of a network card that is up (what a phone on the same
/// Wi-Fi reaches), else any non-loopback IPv4.
pub fn lan_ip() -> Option<IpAddr> {
    let cards = if_addrs::get_if_addrs().ok()?;
    let v4: Vec<IpAddr> = cards
        .iter()
        .filter(|c| !c.is_loopback())
        .map(|c| c.ip())
        .filter(IpAddr::is_ipv4)
        .collect();
    let private = v4.iter().find(|ip| match ip {
        IpAddr::V4(v4) => v4.is_private(),
        IpAddr::V6(_) => false,
    });
    private.or(v4.first()).copied()
}
