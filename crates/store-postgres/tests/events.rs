//! The event-bus conformance suite on PostgreSQL `LISTEN/NOTIFY`: two stores on one database
//! (one schema), each with its own pool and bus, stand for two `alcove serve` processes.

mod common;

use alcove_store_postgres::PgEventBus;

async fn two_instances() -> (
    PgEventBus,
    PgEventBus,
    (common::SchemaGuard, Vec<alcove_store_postgres::PgStore>),
) {
    let schema = common::unique_schema();
    let a = common::connect(&schema).await;
    let b = common::connect(&schema).await;
    let bus_a = PgEventBus::start(&a).await.expect("listen on instance a");
    let bus_b = PgEventBus::start(&b).await.expect("listen on instance b");
    (bus_a, bus_b, (common::SchemaGuard { schema }, vec![a, b]))
}

alcove_store::event_bus_tests!(two_instances());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_in_different_schemas_do_not_hear_each_other() {
    use alcove_store::{Delivery, Event, EventBus};
    let (a, b) = (common::unique_schema(), common::unique_schema());
    let (sa, sb) = (common::connect(&a).await, common::connect(&b).await);
    let _guards = (
        common::SchemaGuard { schema: a },
        common::SchemaGuard { schema: b },
    );
    assert_ne!(sa.events_channel(), sb.events_channel());
    let (bus_a, bus_b) = (
        PgEventBus::start(&sa).await.unwrap(),
        PgEventBus::start(&sb).await.unwrap(),
    );
    let mut on_b = bus_b.subscribe();
    let mut on_a = bus_a.subscribe();
    let e = Event::MessageAppended {
        thread: alcove_domain::ThreadId(uuid::Uuid::new_v4()),
        message: alcove_domain::MessageId(uuid::Uuid::new_v4()),
    };
    bus_a.publish(&e).await.unwrap();
    // a hears its own event: once it has, b (listening just as long) would have too.
    let got = tokio::time::timeout(std::time::Duration::from_secs(10), on_a.recv())
        .await
        .expect("a hears its own event");
    assert_eq!(got, Some(Delivery::Event(e.clone())));
    let marker = Event::MessageAppended {
        thread: alcove_domain::ThreadId(uuid::Uuid::new_v4()),
        message: alcove_domain::MessageId(uuid::Uuid::new_v4()),
    };
    bus_b.publish(&marker).await.unwrap();
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), on_b.recv())
        .await
        .expect("b hears its own event");
    assert_eq!(
        first,
        Some(Delivery::Event(marker)),
        "the first thing b hears is its own event, not a's"
    );
}
