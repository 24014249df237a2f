"""AddressSet: CIDR membership in constant time, IPv4 and IPv6, edges of networks, odd input."""

from __future__ import annotations

import pytest

from kubeguard.model.addresses import (
    MAX_REMEMBERED,
    AddressSet,
    Network,
    NetworkSyntaxError,
    parse_address,
    parse_network,
)


def address_set(*entries: str) -> AddressSet:
    found = AddressSet()
    for entry in entries:
        found.add(parse_network(entry))
    return found


@pytest.mark.parametrize(
    ("address", "inside"),
    [
        ("198.51.100.0", True),  # first address of the /24
        ("198.51.100.255", True),  # last
        ("198.51.99.255", False),  # one before
        ("198.51.101.0", False),  # one after
        ("203.0.113.7", True),  # a single address
        ("203.0.113.8", False),
        ("2001:db8::", True),  # first of the /32
        ("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", True),  # last
        ("2001:db9::", False),
        ("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", False),
        ("fe80::1%eth0", True),  # the zone does not matter
        ("::ffff:198.51.100.9", True),  # IPv4-mapped: looked up as IPv4
        ("::ffff:198.51.101.9", False),
    ],
)
def test_membership_at_the_edges_of_networks(address: str, inside: bool) -> None:
    found = address_set("198.51.100.0/24", "203.0.113.7", "2001:db8::/32", "fe80::1")
    assert (address in found) is inside
    assert (found.match(address) is not None) is inside


@pytest.mark.parametrize(
    "address", ["", "not-an-ip", "198.51.100", "198.51.100.1.2", "01.2.3.4", "198.51.100.7 "]
)
def test_text_that_is_no_address_is_never_on_the_list(address: str) -> None:
    everything = address_set("0.0.0.0/0", "::/0")
    assert address not in everything
    assert everything.match(address) is None


@pytest.mark.parametrize("value", [None, 7, b"198.51.100.7", ["198.51.100.7"]])
def test_values_of_other_types_are_never_on_the_list(value: object) -> None:
    assert value not in address_set("0.0.0.0/0")


def test_prefix_zero_holds_every_address_of_its_version_only() -> None:
    ipv4 = address_set("0.0.0.0/0")
    assert "8.8.8.8" in ipv4
    assert "2001:db8::1" not in ipv4


def test_the_most_specific_entry_and_its_label_are_reported() -> None:
    found = AddressSet()
    found.add(parse_network("198.51.100.0/24"), "whole network")
    found.add(parse_network("198.51.100.7"), "one host")
    inner = found.match("198.51.100.7")
    outer = found.match("198.51.100.8")
    assert inner is not None
    assert inner.label == "one host"
    assert inner.network.text == "198.51.100.7"
    assert outer is not None
    assert outer.label == "whole network"
    assert outer.network.text == "198.51.100.0/24"


def test_host_bits_below_the_prefix_are_cleared() -> None:
    assert parse_network("10.1.2.3/8") == parse_network("10.0.0.0/8")
    assert parse_network("10.1.2.3/8").text == "10.0.0.0/8"
    assert parse_network("2001:db8::1/32").text == "2001:db8::/32"


def test_an_ipv4_mapped_network_is_the_ipv4_network() -> None:
    assert parse_network("::ffff:198.51.100.0/120") == parse_network("198.51.100.0/24")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("198.51.100.0/33", "longer than 32 bits"),
        ("2001:db8::/129", "longer than 128 bits"),
        ("198.51.100.0/-1", "not a number"),
        ("198.51.100.0/24/1", "not a number"),
        ("198.51.100.0/", "not a number"),
        ("198.51.100.0/\uff12\uff14", "not a number"),  # full-width digits
        ("::ffff:198.51.100.0/64", "IPv4-mapped"),
        ("evil.example", "not an IP address"),
    ],
)
def test_malformed_networks_say_why(text: str, reason: str) -> None:
    with pytest.raises(NetworkSyntaxError, match=reason):
        parse_network(text)


def test_adding_the_same_network_twice_counts_once() -> None:
    found = address_set("198.51.100.0/24", "198.51.100.0/24", "198.51.100.5/24")
    assert len(found) == 1


def test_answers_remembered_before_an_add_are_forgotten() -> None:
    found = address_set("203.0.113.7")
    assert "198.51.100.7" not in found
    found.add(parse_network("198.51.100.0/24"))
    assert "198.51.100.7" in found


def test_remembering_stays_bounded_and_answers_stay_right() -> None:
    found = address_set("10.0.0.0/8")
    for number in range(MAX_REMEMBERED + 10):
        address = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
        assert address in found
    assert "11.0.0.1" not in found
    assert len(found._remembered) <= MAX_REMEMBERED


def test_lookups_probe_only_the_prefix_lengths_in_use() -> None:
    found = address_set("198.51.100.0/24", "203.0.113.7", "2001:db8::/32")
    assert found.prefix_lengths == {4: (32, 24), 6: (32,)}


def test_parse_address_gives_version_and_integer() -> None:
    assert parse_address("0.0.0.1") == (4, 1)
    assert parse_address("::2") == (6, 2)
    assert parse_address("::ffff:0.0.0.3") == (4, 3)
    assert Network(4, 24, 0xC63364).text == "198.51.100.0/24"
