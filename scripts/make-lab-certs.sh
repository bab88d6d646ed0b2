#!/usr/bin/env bash
# Generates the certificates `amlprobe lab` ships in lab/certs/, so that the lab runs where no
# openssl CLI exists (containers, laptops). Run it again only when the lab's host names change
# (a catalog edit that adds a domain the wildcards do not cover: the lab then reports
# tls_name_mismatch and says so). Needs openssl 3 and node; it builds the tree first.
#
# What it makes (EC P-256 keys, valid 2020-2120; the CA keys are thrown away):
#   lab-ca.pem                  "amlprobe Lab Root CA": the only CA the lab trusts
#   lab-server.pem/.key         the lab's server certificate, for every host name of the lab
#   inspection-ca.pem           "Contoso Firewall Inspection CA": the TLS-inspecting firewall's CA
#   inspection-server.pem/.key  the certificate it forges for the intercepted host (leaf, then its CA)
#   trusted-inspection-ca.pem   "Contoso Trusted Inspection CA": a second inspecting firewall, whose
#                               CA the lab trusts but does not take for public (tls_inspected)
#   trusted-inspection-server.pem/.key  the certificate it forges (leaf, then its CA)
#
# These are public test keys, committed on purpose: they protect nothing.

set -euo pipefail
cd "$(dirname "$0")/.."
out=lab/certs
mkdir -p "$out"

# The build may report type errors in files being edited elsewhere; tsc still emits.
npm run --silent build >/dev/null 2>&1 || echo "make-lab-certs: the build reported errors; using what it emitted" >&2

names_of() {
  node --input-type=module -e "
    const lab = await import('./dist/src/lab/lab-workspace.js');
    console.log(lab.$1().map((n) => 'DNS:' + n).join(','));"
}
server_sans=$(names_of labCertificateNames)
intercepted_sans=$(names_of labInterceptedHosts)
inspected_sans=$(node --input-type=module -e "
  const lab = await import('./dist/src/lab/lab-workspace.js');
  console.log(lab.labInterceptedHosts('tls-inspected').map((n) => 'DNS:' + n).join(','));")
first_inspected=${inspected_sans%%,*}
first_inspected=${first_inspected#DNS:}
first_intercepted=${intercepted_sans%%,*}
first_intercepted=${first_intercepted#DNS:}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The whole configuration: nothing is read from the system's openssl.cnf. `openssl ca` rather than
# `openssl x509 -req`: only it sets the start date in OpenSSL 3.0 (x509 -not_before came in 3.4),
# and the start date must lie in the past on every clock, not at the moment this script ran.
cat >"$work/openssl.cnf" <<CONFIG
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca ]
default_ca = lab_ca
[ lab_ca ]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = any
unique_subject = no
email_in_dn = no
[ any ]
commonName = supplied
organizationName = optional
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CONFIG
: >"$work/index.txt"
openssl rand -hex 8 >"$work/serial"

# Valid from 2020 to 2120: a hundred years, and already valid on a machine whose clock is behind.
validity=(-startdate 20200101000000Z -enddate 21200101000000Z)
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)

make_ca() { # file-stem subject
  openssl req -config "$work/openssl.cnf" -new "${ec[@]}" -keyout "$work/$1.key" -out "$work/$1.csr" -subj "$2" 2>/dev/null
  openssl ca -config "$work/openssl.cnf" -batch -notext -selfsign -keyfile "$work/$1.key" -in "$work/$1.csr" \
    "${validity[@]}" -extensions ca_ext -out "$work/$1.pem" 2>/dev/null
}

make_leaf() { # file-stem ca-stem subject sans
  printf '%s\n' '[ leaf ]' 'basicConstraints = critical, CA:FALSE' \
    'keyUsage = critical, digitalSignature' 'extendedKeyUsage = serverAuth' \
    'subjectKeyIdentifier = hash' 'authorityKeyIdentifier = keyid' "subjectAltName = $4" >"$work/$1.ext"
  openssl req -config "$work/openssl.cnf" -new "${ec[@]}" -keyout "$work/$1.key" -out "$work/$1.csr" -subj "$3" 2>/dev/null
  openssl ca -config "$work/openssl.cnf" -batch -notext -cert "$work/$2.pem" -keyfile "$work/$2.key" -in "$work/$1.csr" \
    "${validity[@]}" -extfile "$work/$1.ext" -extensions leaf -out "$work/$1.pem" 2>/dev/null
}

make_ca lab-ca '/CN=amlprobe Lab Root CA/O=amlprobe lab (public test key)'
make_leaf lab-server lab-ca '/CN=amlprobe lab server/O=amlprobe lab (public test key)' "$server_sans"
make_ca inspection-ca '/CN=Contoso Firewall Inspection CA/O=Contoso Ltd'
make_leaf inspection-server inspection-ca "/CN=$first_intercepted/O=Contoso Ltd" "$intercepted_sans"

make_ca trusted-inspection-ca '/CN=Contoso Trusted Inspection CA/O=Contoso Ltd'
make_leaf trusted-inspection-server trusted-inspection-ca "/CN=$first_inspected/O=Contoso Ltd" "$inspected_sans"

cp "$work/lab-ca.pem" "$work/lab-server.pem" "$work/lab-server.key" "$work/inspection-ca.pem" "$work/inspection-server.key" \
  "$work/trusted-inspection-ca.pem" "$work/trusted-inspection-server.key" "$out/"
# Inspecting firewalls send their CA after the forged leaf: the chain then names who re-signed it.
cat "$work/inspection-server.pem" "$work/inspection-ca.pem" >"$out/inspection-server.pem"
cat "$work/trusted-inspection-server.pem" "$work/trusted-inspection-ca.pem" >"$out/trusted-inspection-server.pem"
chmod 644 "$out"/*
echo "make-lab-certs: wrote $out ($(echo "$server_sans" | tr ',' '\n' | wc -l) server names; intercepted: ${intercepted_sans//DNS:/}; inspected: ${inspected_sans//DNS:/})"
