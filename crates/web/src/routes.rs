//! A thin registry over axum's router that remembers every route it registers, so the
//! authorisation-matrix test can prove that no route escaped it.

use std::collections::BTreeMap;

use axum::extract::DefaultBodyLimit;
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
    uploads: BTreeMap<&'static str, usize>,
}

/// The routes that take `multipart/form-data` (file uploads), each with its own body limit.
/// Every other route refuses multipart bodies, and keeps the application's default limit.
#[derive(Clone, Debug, Default)]
pub struct UploadRoutes(pub BTreeMap<&'static str, usize>);

impl UploadRoutes {
    /// The body limit of the upload route with this (matched) path, if it is one.
    pub fn limit(&self, matched_path: &str) -> Option<usize> {
        self.0.get(matched_path).copied()
    }
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
    /// A POST route that takes a file upload (`multipart/form-data`, its CSRF token checked by
    /// `security::csrf` like any form's) with a body limit of its own, larger than the default.
    pub fn post_upload<H: Handler<T, AppState>, T: 'static>(
        mut self,
        path: &'static str,
        h: H,
        limit: usize,
    ) -> Self {
        let mr = self.by_path.remove(path).unwrap_or_default();
        let upload = axum::routing::post(h).layer(DefaultBodyLimit::max(limit));
        self.by_path.insert(path, mr.merge(upload));
        self.list.push(RouteInfo {
            method: "POST",
            path,
        });
        self.uploads.insert(path, limit);
        self
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
        self.uploads.extend(other.uploads);
        self
    }

    pub fn uploads(&self) -> UploadRoutes {
        UploadRoutes(self.uploads.clone())
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
