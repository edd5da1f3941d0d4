#!/usr/bin/perl
# build-mmdb.pl SOURCE.json OUT.mmdb - write a MaxMind DB for the tests.
#
# SOURCE is readable test data: {"database_type": "GeoIP2-City" or
# "GeoIP2-Country", "description": "...", "networks": {"CIDR": record}},
# each record shaped like MaxMind's own (country, subdivisions, city, ...).
# The file is written the way MaxMind builds its databases: an IPv6 tree,
# 28-bit records, IPv4 reachable through ::ffff:0:0/96 as well.
#
# The data may use the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
# 203.0.113.0/24, 2001:db8::/32), which the writer treats as reserved and
# would silently drop, so reserved-network removal is off.  Private,
# loopback and link-local ranges are refused instead: such addresses must
# stay unknown, as in MaxMind's databases.
use strict;
use warnings;

use JSON::PP ();
use MaxMind::DB::Writer::Tree;
use Net::Works::Network;

die "usage: $0 SOURCE.json OUT.mmdb\n" unless @ARGV == 2;
my ($source_path, $out_path) = @ARGV;

open my $in, '<:raw', $source_path or die "$source_path: $!\n";
my $source = JSON::PP->new->utf8->decode(do { local $/; <$in> });
close $in;

my $type = $source->{database_type} // '';
die "$source_path: database_type must be GeoIP2-City or GeoIP2-Country\n"
    unless $type eq 'GeoIP2-City' || $type eq 'GeoIP2-Country';
my $networks = $source->{networks};
die "$source_path: networks must be an object of CIDR => record\n"
    unless ref $networks eq 'HASH' && %$networks;

# The MaxMind DB type of every key the records use.
my %key_types = (
    city                  => 'map',
    continent             => 'map',
    country               => 'map',
    location              => 'map',
    postal                => 'map',
    registered_country    => 'map',
    represented_country   => 'map',
    subdivisions          => [ 'array', 'map' ],
    traits                => 'map',
    names                 => 'map',
    en                    => 'utf8_string',
    code                  => 'utf8_string',
    iso_code              => 'utf8_string',
    time_zone             => 'utf8_string',
    geoname_id            => 'uint32',
    accuracy_radius       => 'uint16',
    latitude              => 'double',
    longitude             => 'double',
    is_in_european_union  => 'boolean',
    is_anycast            => 'boolean',
);

my @private = map { Net::Works::Network->new_from_string(string => $_) }
    qw(0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12
       192.168.0.0/16 ::/128 ::1/128 fc00::/7 fe80::/10);

sub overlaps {
    my ($x, $y) = @_;
    return 0 unless $x->version == $y->version;
    return $x->first->as_integer <= $y->last->as_integer
        && $y->first->as_integer <= $x->last->as_integer;
}

# JSON true/false become plain 1/0, which the writer's boolean type takes.
sub plain {
    my ($v) = @_;
    return [ map { plain($_) } @$v ] if ref $v eq 'ARRAY';
    return { map { $_ => plain($v->{$_}) } keys %$v } if ref $v eq 'HASH';
    return JSON::PP::is_bool($v) ? ($v ? 1 : 0) : $v;
}

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version               => 6,
    record_size              => 28,
    database_type            => $type,
    languages                => ['en'],
    description              => { en => $source->{description} // "Jobtune test data" },
    map_key_type_callback    => sub { $key_types{ $_[0] } // die "no MaxMind DB type for key '$_[0]'\n" },
    alias_ipv6_to_ipv4       => 1,
    remove_reserved_networks => 0,
);

my %network_of = map { $_ => Net::Works::Network->new_from_string(string => $_) } keys %$networks;

# Wider networks first, so that a nested, more specific one wins.
my @cidrs = sort {
    my ($na, $nb) = @network_of{ $a, $b };
    $na->version <=> $nb->version || $na->prefix_length <=> $nb->prefix_length || $a cmp $b
} keys %$networks;

for my $cidr (@cidrs) {
    my $network = $network_of{$cidr};
    for my $p (@private) {
        die "$source_path: $cidr overlaps the private range " . $p->as_string . "\n"
            if overlaps($network, $p);
    }
    $tree->insert_network($cidr, plain($networks->{$cidr}));
}

open my $out, '>:raw', "$out_path.tmp" or die "$out_path.tmp: $!\n";
$tree->write_tree($out);
close $out or die "$out_path.tmp: $!\n";
rename "$out_path.tmp", $out_path or die "$out_path: $!\n";
