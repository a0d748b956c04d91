#!/bin/sh
# make_keystore.sh KEYSTORE DOMAIN_ID ENCLAVE...
# Builds an SROS2 keystore with the openssl CLI, laid out as `ros2 security create_keystore`
# and `ros2 security create_enclave` lay it out:
#   KEYSTORE/public/{ca.cert.pem, identity_ca.cert.pem -> ca.cert.pem, permissions_ca.cert.pem -> ca.cert.pem}
#   KEYSTORE/private/{ca.key.pem, identity_ca.key.pem -> ca.key.pem, permissions_ca.key.pem -> ca.key.pem}
#   KEYSTORE/enclaves/{governance.xml, governance.p7s}
#   KEYSTORE/enclaves/<enclave path>/{cert.pem, key.pem, permissions.xml, permissions.p7s,
#       identity_ca.cert.pem, permissions_ca.cert.pem, governance.p7s (symlinks to the shared ones)}
# Keys are EC prime256v1 and documents are S/MIME-signed (text, detached) by the CA, as sros2
# does. The governance is sros2's default (no unauthenticated participants, join access control,
# everything encrypted) for DOMAIN_ID. Each enclave may publish and subscribe ros_discovery_info
# and every rt/, rq/ and rr/ topic except rt/lms_sec_denied (a deny rule the tests probe).
set -eu
[ $# -ge 3 ] || { echo "usage: $0 KEYSTORE DOMAIN_ID ENCLAVE..." >&2; exit 2; }
ks=$1
domain=$2
shift 2

mkdir -p "$ks/public" "$ks/private" "$ks/enclaves"
ks=$(cd "$ks" && pwd)
quiet() { "$@" >/dev/null 2>&1 || { echo "make_keystore: failed: $*" >&2; "$@"; exit 1; }; }

# The CA: one self-signed certificate serving as identity and permissions CA.
cat >"$ks/private/ca.cnf" <<'EOF'
[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:1
[leaf_ext]
basicConstraints = CA:FALSE
EOF
quiet openssl ecparam -name prime256v1 -genkey -noout -out "$ks/private/ca.key.pem"
quiet openssl req -new -x509 -sha256 -days 3650 -config "$ks/private/ca.cnf" -extensions ca_ext \
  -key "$ks/private/ca.key.pem" -subj "/CN=sros2testCA" -out "$ks/public/ca.cert.pem"
for f in identity_ca permissions_ca; do
  ln -sf ca.cert.pem "$ks/public/$f.cert.pem"
  ln -sf ca.key.pem "$ks/private/$f.key.pem"
done

sign() { # sign IN OUT: S/MIME, text, detached, as sros2's create_smime_signed_file
  quiet openssl smime -sign -text -in "$1" -out "$2" -signer "$ks/public/permissions_ca.cert.pem" \
    -inkey "$ks/private/permissions_ca.key.pem"
}

cat >"$ks/enclaves/governance.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<dds xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:noNamespaceSchemaLocation="http://www.omg.org/spec/DDS-SECURITY/20170901/omg_shared_ca_governance.xsd">
  <domain_access_rules>
    <domain_rule>
      <domains><id>$domain</id></domains>
      <allow_unauthenticated_participants>false</allow_unauthenticated_participants>
      <enable_join_access_control>true</enable_join_access_control>
      <discovery_protection_kind>ENCRYPT</discovery_protection_kind>
      <liveliness_protection_kind>ENCRYPT</liveliness_protection_kind>
      <rtps_protection_kind>ENCRYPT</rtps_protection_kind>
      <topic_access_rules>
        <topic_rule>
          <topic_expression>*</topic_expression>
          <enable_discovery_protection>true</enable_discovery_protection>
          <enable_liveliness_protection>true</enable_liveliness_protection>
          <enable_read_access_control>true</enable_read_access_control>
          <enable_write_access_control>true</enable_write_access_control>
          <metadata_protection_kind>ENCRYPT</metadata_protection_kind>
          <data_protection_kind>ENCRYPT</data_protection_kind>
        </topic_rule>
      </topic_access_rules>
    </domain_rule>
  </domain_access_rules>
</dds>
EOF
sign "$ks/enclaves/governance.xml" "$ks/enclaves/governance.p7s"

topics='<topics><topic>ros_discovery_info</topic><topic>rt/*</topic><topic>rq/*</topic><topic>rr/*</topic></topics>'
for enclave in "$@"; do
  case $enclave in /*) ;; *) echo "make_keystore: enclave '$enclave' must start with '/'" >&2; exit 2 ;; esac
  dir="$ks/enclaves${enclave%/}"
  mkdir -p "$dir"
  up=$(printf '%s' "${dir#"$ks"/}" | sed 's|[^/][^/]*|..|g')   # "enclaves/a/b" -> "../../.."
  ln -sf "$up/public/identity_ca.cert.pem" "$dir/identity_ca.cert.pem"
  ln -sf "$up/public/permissions_ca.cert.pem" "$dir/permissions_ca.cert.pem"
  ln -sf "$up/enclaves/governance.p7s" "$dir/governance.p7s"
  # The subject is CN=<enclave>; '/' must be escaped in openssl's -subj syntax.
  subj="/CN=$(printf '%s' "$enclave" | sed 's|/|\\/|g')"
  quiet openssl ecparam -name prime256v1 -genkey -noout -out "$dir/ec.key.pem"
  quiet openssl pkcs8 -topk8 -nocrypt -in "$dir/ec.key.pem" -out "$dir/key.pem"
  rm -f "$dir/ec.key.pem"
  quiet openssl req -new -sha256 -config "$ks/private/ca.cnf" -key "$dir/key.pem" -subj "$subj" \
    -out "$dir/cert.csr"
  quiet openssl x509 -req -sha256 -days 3650 -in "$dir/cert.csr" -CA "$ks/public/ca.cert.pem" \
    -CAkey "$ks/private/ca.key.pem" -CAcreateserial -CAserial "$ks/private/ca.srl" \
    -extfile "$ks/private/ca.cnf" -extensions leaf_ext -out "$dir/cert.pem"
  rm -f "$dir/cert.csr"
  cat >"$dir/permissions.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<dds xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:noNamespaceSchemaLocation="http://www.omg.org/spec/DDS-SECURITY/20170901/omg_shared_ca_permissions.xsd">
  <permissions>
    <grant name="$enclave">
      <subject_name>CN=$enclave</subject_name>
      <validity>
        <not_before>2020-01-01T00:00:00</not_before>
        <not_after>2099-01-01T00:00:00</not_after>
      </validity>
      <deny_rule>
        <domains><id>$domain</id></domains>
        <publish><topics><topic>rt/lms_sec_denied</topic></topics></publish>
        <subscribe><topics><topic>rt/lms_sec_denied</topic></topics></subscribe>
      </deny_rule>
      <allow_rule>
        <domains><id>$domain</id></domains>
        <publish>$topics</publish>
        <subscribe>$topics</subscribe>
      </allow_rule>
      <default>DENY</default>
    </grant>
  </permissions>
</dds>
EOF
  sign "$dir/permissions.xml" "$dir/permissions.p7s"
done
