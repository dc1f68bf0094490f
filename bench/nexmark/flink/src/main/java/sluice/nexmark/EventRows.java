package sluice.nexmark;

import static org.apache.flink.table.api.DataTypes.BIGINT;
import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.apache.flink.table.api.DataTypes.INT;
import static org.apache.flink.table.api.DataTypes.ROW;
import static org.apache.flink.table.api.DataTypes.STRING;
import static org.apache.flink.table.api.DataTypes.TIMESTAMP;

import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import sluice.nexmark.Model.Auction;
import sluice.nexmark.Model.Bid;
import sluice.nexmark.Model.Event;
import sluice.nexmark.Model.Person;

/**
 * The physical columns of the nexmark repository's `datagen` table (ddl_gen.sql) and the conversion of
 * an event into Flink's internal row format, as the `nexmark` connector's deserializer does: the
 * planner reads these rows without any conversion step.
 */
final class EventRows {
  private EventRows() {}

  static final DataType TYPE = ROW(
      FIELD("event_type", INT()),
      FIELD("person", ROW(FIELD("id", BIGINT()), FIELD("name", STRING()), FIELD("emailAddress", STRING()), FIELD("creditCard", STRING()),
          FIELD("city", STRING()), FIELD("state", STRING()), FIELD("dateTime", TIMESTAMP(3)), FIELD("extra", STRING()))),
      FIELD("auction", ROW(FIELD("id", BIGINT()), FIELD("itemName", STRING()), FIELD("description", STRING()), FIELD("initialBid", BIGINT()),
          FIELD("reserve", BIGINT()), FIELD("dateTime", TIMESTAMP(3)), FIELD("expires", TIMESTAMP(3)), FIELD("seller", BIGINT()),
          FIELD("category", BIGINT()), FIELD("extra", STRING()))),
      FIELD("bid", ROW(FIELD("auction", BIGINT()), FIELD("bidder", BIGINT()), FIELD("price", BIGINT()), FIELD("channel", STRING()),
          FIELD("url", STRING()), FIELD("dateTime", TIMESTAMP(3)), FIELD("extra", STRING()))));

  static InternalTypeInfo<RowData> typeInfo() {
    return InternalTypeInfo.of((RowType) TYPE.getLogicalType());
  }

  static RowData of(Event e) {
    return switch (e.type) {
      case Event.PERSON -> GenericRowData.of(Event.PERSON, person(e.person), null, null);
      case Event.AUCTION -> GenericRowData.of(Event.AUCTION, null, auction(e.auction), null);
      default -> GenericRowData.of(Event.BID, null, null, bid(e.bid));
    };
  }

  private static StringData s(String v) {
    return StringData.fromString(v);
  }

  private static TimestampData t(long epochMs) {
    return TimestampData.fromEpochMillis(epochMs);
  }

  private static RowData person(Person p) {
    return GenericRowData.of(p.id, s(p.name), s(p.emailAddress), s(p.creditCard), s(p.city), s(p.state), t(p.dateTime), s(p.extra));
  }

  private static RowData auction(Auction a) {
    return GenericRowData.of(a.id, s(a.itemName), s(a.description), a.initialBid, a.reserve, t(a.dateTime), t(a.expires), a.seller, a.category, s(a.extra));
  }

  private static RowData bid(Bid b) {
    return GenericRowData.of(b.auction, b.bidder, b.price, s(b.channel), s(b.url), t(b.dateTime), s(b.extra));
  }
}
