/* test_sha256.c: SHA-256 against the FIPS 180-2 appendix vectors (and the empty message), and
 * the same digest for every split of the input. */
#include "sha256.h"
#include "testing.h"

static void check_hex(const void *data, size_t n, const char *want) {
  uint8_t d[SHA256_DIGEST_LEN];
  char hex[2 * SHA256_DIGEST_LEN + 1];
  sha256(data, n, d);
  sha256_hex(d, hex);
  CHECK_EQ_STR(hex, want);
}

TEST(typehash_sha256_fips_vectors) {
  check_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  check_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  check_hex(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const char *four = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                     "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
  check_hex(four, strlen(four), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(typehash_sha256_million_a) {
  static char a[1000000];
  memset(a, 'a', sizeof a);
  check_hex(a, sizeof a, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Padding crosses a block boundary at lengths 55/56/64: feed every split of such inputs. */
TEST(typehash_sha256_any_split_same_digest) {
  char text[130];
  for (size_t i = 0; i < sizeof text; i++) text[i] = (char)('A' + i % 26);
  size_t lens[] = {0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 130};
  for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
    size_t n = lens[l];
    uint8_t whole[SHA256_DIGEST_LEN];
    sha256(text, n, whole);
    for (size_t cut = 0; cut <= n; cut++) {
      sha256_ctx c;
      uint8_t part[SHA256_DIGEST_LEN];
      sha256_init(&c);
      sha256_update(&c, text, cut);
      sha256_update(&c, text + cut, n - cut);
      sha256_final(&c, part);
      CHECK_MSG(memcmp(whole, part, sizeof whole) == 0, "len %zu split at %zu differs", n, cut);
    }
  }
}
