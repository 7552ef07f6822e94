use std::sync::Arc;

use alcove_crypto::envelope::{Aad, DataKey, MasterKey};
use alcove_crypto::CryptoError;
use alcove_domain::{ClientId, Clock};
use alcove_store::{Sealed, Store, StoreError, WrappedDataKey};

use super::recent::{Shelf, Stamp};

/// Unwrapped data keys kept in memory (for sealing new messages without a read and an unwrap
/// each): at most this many clients' keys, each for at most [`KEY_MAX_AGE`], dropped — and
/// wiped, `DataKey` zeroizes on drop — as soon as any data key, anywhere, changes (the store's
/// change stamp moves with every stored or destroyed data key).
const KEYS_KEPT: usize = 256;
const KEY_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// Seals and opens a client's clinical content with that client's data key.
/// Data keys are stored wrapped by the master key; destroying them shreds the content.
#[derive(Clone)]
pub struct Keyring {
    master: Arc<MasterKey>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// Each client's current data key, unwrapped: (version, key).
    current: Arc<Shelf<ClientId, (i32, Arc<DataKey>)>>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The client's keys were destroyed (crypto-shredding): their content is gone for good.
    #[error("the data key of this record was destroyed")]
    Shredded,
}

/// Where a sealed value lives; bound into the AAD so it cannot be moved.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub row: &'a str,
}

impl Keyring {
    pub fn new(master: Arc<MasterKey>, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            master,
            store,
            clock,
            current: Arc::new(Shelf::new(KEYS_KEPT, Some(KEY_MAX_AGE))),
        }
    }

    pub fn master(&self) -> &MasterKey {
        &self.master
    }

    /// Creates the first data key of a new client.
    pub async fn create_client_key(&self, client: ClientId) -> Result<(), KeyringError> {
        let dk = DataKey::generate();
        let version = 1;
        self.store
            .put_data_key(&WrappedDataKey {
                client_id: client,
                version,
                wrapped: self.master.wrap(&dk, client.0, version),
                created_at: self.clock.now(),
            })
            .await?;
        Ok(())
    }

    pub async fn seal(
        &self,
        client: ClientId,
        place: Place<'_>,
        plaintext: &[u8],
    ) -> Result<Sealed, KeyringError> {
        self.seal_at(Stamp::none(), client, place, plaintext).await
    }

    /// [`Keyring::seal`] for a request that read the change stamp `at`: the client's current
    /// key may come from memory (see [`KEYS_KEPT`]).
    pub async fn seal_at(
        &self,
        at: Stamp,
        client: ClientId,
        place: Place<'_>,
        plaintext: &[u8],
    ) -> Result<Sealed, KeyringError> {
        let (version, dk) = self
            .current
            .get_or_load(at, client, async {
                let wk = self
                    .store
                    .current_data_key(client)
                    .await?
                    .ok_or(KeyringError::Shredded)?;
                let dk = self.master.unwrap(&wk.wrapped, client.0, wk.version)?;
                Ok::<_, KeyringError>((wk.version, Arc::new(dk)))
            })
            .await?;
        let aad = Aad {
            table: place.table,
            column: place.column,
            row: place.row,
            key_version: version,
        };
        Ok(Sealed {
            key_version: version,
            ciphertext: dk.seal(&aad, plaintext),
        })
    }

    /// How many clients' keys are held unwrapped in memory right now.
    pub fn keys_in_memory(&self) -> usize {
        self.current.len()
    }

    pub async fn open(
        &self,
        client: ClientId,
        place: Place<'_>,
        sealed: &Sealed,
    ) -> Result<Vec<u8>, KeyringError> {
        let wk = self
            .store
            .data_key(client, sealed.key_version)
            .await?
            .ok_or(KeyringError::Shredded)?;
        let dk = self.master.unwrap(&wk.wrapped, client.0, wk.version)?;
        let aad = Aad {
            table: place.table,
            column: place.column,
            row: place.row,
            key_version: sealed.key_version,
        };
        Ok(dk.open(&aad, &sealed.ciphertext)?)
    }

    /// Opens many values of one column of one client, with one key lookup per key version.
    pub async fn open_all(
        &self,
        client: ClientId,
        table: &str,
        column: &str,
        items: &[(String, &Sealed)],
    ) -> Result<Vec<Vec<u8>>, KeyringError> {
        let mut keys: Vec<(i32, DataKey)> = Vec::new();
        let mut out = Vec::with_capacity(items.len());
        for (row, sealed) in items {
            if !keys.iter().any(|(v, _)| *v == sealed.key_version) {
                let wk = self
                    .store
                    .data_key(client, sealed.key_version)
                    .await?
                    .ok_or(KeyringError::Shredded)?;
                keys.push((
                    wk.version,
                    self.master.unwrap(&wk.wrapped, client.0, wk.version)?,
                ));
            }
            let Some((_, dk)) = keys.iter().find(|(v, _)| *v == sealed.key_version) else {
                return Err(KeyringError::Shredded);
            };
            let aad = Aad {
                table,
                column,
                row,
                key_version: sealed.key_version,
            };
            out.push(dk.open(&aad, &sealed.ciphertext)?);
        }
        Ok(out)
    }

    /// The practice's own data key (for what belongs to no client: contact-form messages,
    /// CE certificates), created on first use. Several instances may race to create it; the
    /// first stored one wins and everyone reads that.
    async fn practice_key(&self) -> Result<DataKey, KeyringError> {
        let wrapped = match self.store.meta_get(PRACTICE_KEY).await? {
            Some(w) => w,
            None => {
                let fresh =
                    self.master
                        .wrap(&DataKey::generate(), PRACTICE_KEY_ID, PRACTICE_KEY_VERSION);
                self.store.meta_insert(PRACTICE_KEY, &fresh).await?;
                self.store
                    .meta_get(PRACTICE_KEY)
                    .await?
                    .ok_or(StoreError::NotFound)?
            }
        };
        Ok(self
            .master
            .unwrap(&wrapped, PRACTICE_KEY_ID, PRACTICE_KEY_VERSION)?)
    }

    /// Seals what belongs to the practice rather than to one client.
    pub async fn seal_practice(
        &self,
        place: Place<'_>,
        plaintext: &[u8],
    ) -> Result<Sealed, KeyringError> {
        let dk = self.practice_key().await?;
        let aad = place.aad(PRACTICE_KEY_VERSION);
        Ok(Sealed {
            key_version: PRACTICE_KEY_VERSION,
            ciphertext: dk.seal(&aad, plaintext),
        })
    }

    pub async fn open_practice(
        &self,
        place: Place<'_>,
        sealed: &Sealed,
    ) -> Result<Vec<u8>, KeyringError> {
        let dk = self.practice_key().await?;
        Ok(dk.open(&place.aad(sealed.key_version), &sealed.ciphertext)?)
    }
}

/// Where the practice key is kept (wrapped by the master key) and what binds its wrapping.
const PRACTICE_KEY: &str = "practice_data_key";
const PRACTICE_KEY_ID: uuid::Uuid = uuid::Uuid::nil();
const PRACTICE_KEY_VERSION: i32 = 1;

impl Place<'_> {
    fn aad(&self, key_version: i32) -> Aad<'_> {
        Aad {
            table: self.table,
            column: self.column,
            row: self.row,
            key_version,
        }
    }
}
