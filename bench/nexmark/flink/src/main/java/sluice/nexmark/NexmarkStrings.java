package sluice.nexmark;

/** Twin of engine/src/connectors/nexmark/strings.ts (same draws in the same order, same tables). */
final class NexmarkStrings {
  private NexmarkStrings() {}

  private static final int MIN_STRING_LENGTH = 3;
  private static final int TABLE_SEED = 0x5eed;
  static final String[] HOT_CHANNELS = {"Google", "Facebook", "Baidu", "Apple"};
  static final String[] US_STATES = {"AZ", "CA", "ID", "OR", "WA", "WY"};
  static final String[] US_CITIES = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"};
  static final String[] FIRST_NAMES = {"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"};
  static final String[] LAST_NAMES = {"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"};

  private static final String POOL;
  static final String[] HOT_URLS = new String[4];
  static final String[] CHANNELS = new String[10_000];
  static final String[] URLS = new String[10_000];
  private static final String[] CARD_GROUPS = new String[10_000];

  static {
    NexmarkRandom rng = new NexmarkRandom();
    rng.reset(TABLE_SEED, 0);
    char[] pool = new char[1024 * 1024];
    for (int i = 0; i < pool.length; i++) pool[i] = (char) ('a' + rng.nextInt(26));
    POOL = new String(pool);
    rng.reset(TABLE_SEED, 1);
    for (int i = 0; i < HOT_URLS.length; i++) HOT_URLS[i] = baseUrl(rng);
    for (int i = 0; i < CHANNELS.length; i++) {
      String url = baseUrl(rng);
      if (rng.nextInt(10) > 0) url = url + "&channel_id=" + Math.abs(Integer.reverse(i));
      CHANNELS[i] = "channel-" + i;
      URLS[i] = url;
    }
    for (int i = 0; i < CARD_GROUPS.length; i++) CARD_GROUPS[i] = String.format("%04d", i);
  }

  static String nextString(NexmarkRandom rng, int maxLength, char special) {
    int len = MIN_STRING_LENGTH + rng.nextInt(maxLength - MIN_STRING_LENGTH);
    StringBuilder sb = new StringBuilder(len);
    while (len-- > 0) sb.append(rng.nextInt(13) == 0 ? special : (char) ('a' + rng.nextInt(26)));
    return special == ' ' ? sb.toString().trim() : sb.toString();
  }

  static String nextString(NexmarkRandom rng, int maxLength) {
    return nextString(rng, maxLength, ' ');
  }

  static String nextExactString(NexmarkRandom rng, int length) {
    int offset = rng.nextInt(POOL.length() - length);
    return POOL.substring(offset, offset + length);
  }

  static String nextExtra(NexmarkRandom rng, int currentSize, int averageSize) {
    if (currentSize > averageSize) return "";
    int desired = averageSize - currentSize;
    int delta = (int) Math.round(desired * 0.2);
    int size = desired - delta + (delta == 0 ? 0 : rng.nextInt(2 * delta));
    return nextExactString(rng, size);
  }

  static String nextCreditCard(NexmarkRandom rng) {
    String a = CARD_GROUPS[rng.nextInt(10_000)];
    String b = CARD_GROUPS[rng.nextInt(10_000)];
    String c = CARD_GROUPS[rng.nextInt(10_000)];
    String d = CARD_GROUPS[rng.nextInt(10_000)];
    return a + " " + b + " " + c + " " + d;
  }

  private static String baseUrl(NexmarkRandom rng) {
    String a = nextString(rng, 5, '_');
    String b = nextString(rng, 5, '_');
    String c = nextString(rng, 5, '_');
    return "https://www.nexmark.com/" + a + "/" + b + "/" + c + "/item.htm?query=1";
  }
}
