import { Suspense, useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useCart } from '@/api/cart';
import { useSession, useSignOut } from '@/api/identity';
import { SearchBox } from './SearchBox';
import { Loading } from './Status';

function CartLink() {
  const cart = useCart();
  const count = cart.data?.itemCount ?? 0;
  return (
    <NavLink to="/cart" aria-label={count ? `Cart, ${count} ${count === 1 ? 'item' : 'items'}` : 'Cart'}>
      Cart{count > 0 && <span className="count-badge">{count}</span>}
    </NavLink>
  );
}

function AccountNav() {
  const { current, restoring } = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  if (restoring) return <span className="nav-note">Signing in…</span>;
  if (!current)
    return (
      <>
        <CartLink />
        <NavLink to="/sign-in">Sign in</NavLink>
        <NavLink to="/sign-up">Sign up</NavLink>
      </>
    );
  const { role, name } = current.user;
  return (
    <>
      <CartLink />
      {(role === 'seller' || role === 'admin') && <NavLink to="/seller/products">Sell</NavLink>}
      {role === 'admin' && <NavLink to="/admin">Admin</NavLink>}
      <NavLink to="/account/orders">Orders</NavLink>
      <NavLink to="/account" end aria-label={`Account of ${name}`}>
        Account
      </NavLink>
      <button
        type="button"
        className="link"
        disabled={signOut.isPending}
        onClick={() => signOut.mutate(undefined, { onSettled: () => void navigate('/') })}
      >
        Sign out
      </button>
    </>
  );
}

/** After a client-side navigation, moves focus to the new page, as a page load would. */
function useFocusOnNavigation() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [pathname]);
}

export function Layout() {
  useFocusOnNavigation();
  // The search field shows the current search; a new one (or none) starts it afresh.
  const [params] = useSearchParams();
  const { pathname } = useLocation();
  const searchKey = pathname === '/search' ? (params.get('q') ?? '') : '';
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="logo">
          Agora
        </Link>
        <SearchBox key={searchKey} />
        <nav aria-label="Account" className="account-nav">
          <AccountNav />
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>Agora — an open-source marketplace</p>
      </footer>
    </>
  );
}
