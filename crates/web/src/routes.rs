//! A thin registry over axum's router that remembers every route it registers, so the
//! authorisation-matrix test can prove that no route escaped it.

use std::collections::BTreeMap;

use axum::handler::Handler;
use axum::routing::{MethodFilter, MethodRouter};
use axum::Router;

use crate::state::AppState;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
}

#[derive(Default)]
pub struct RouteTable {
    by_path: BTreeMap<&'static str, MethodRouter<AppState>>,
    list: Vec<RouteInfo>,
}

impl RouteTable {
    pub fn new() -> Self {
        Self::default()
    }

    fn on<H, T>(
        mut self,
        method: &'static str,
        filter: MethodFilter,
        path: &'static str,
        h: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let mr = self.by_path.remove(path).unwrap_or_default();
        self.by_path.insert(path, mr.on(filter, h));
        self.list.push(RouteInfo { method, path });
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.on("GET", MethodFilter::GET, path, h)
    }
    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.on("POST", MethodFilter::POST, path, h)
    }
    pub fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.on("DELETE", MethodFilter::DELETE, path, h)
    }

    pub fn merge(mut self, other: RouteTable) -> Self {
        for (path, mr) in other.by_path {
            let mine = self.by_path.remove(path).unwrap_or_default();
            self.by_path.insert(path, mine.merge(mr));
        }
        self.list.extend(other.list);
        self
    }

    pub fn list(&self) -> Vec<RouteInfo> {
        let mut l = self.list.clone();
        l.sort();
        l
    }

    pub fn into_router(self) -> Router<AppState> {
        self.by_path
            .into_iter()
            .fold(Router::new(), |r, (path, mr)| r.route(path, mr))
    }
}
